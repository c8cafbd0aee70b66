"""What the dev server adds to every HTML page: the live-reload script, and after a failed
build an overlay with the build's messages (escaped: they quote the user's content)."""

from __future__ import annotations

import html

from polyfolio.serve.outcome import BuildOutcome

EVENTS_PATH = "/__polyfolio/events"
SCRIPT_PATH = "/__polyfolio/reload.js"
WORKER_PATH = "/__polyfolio/reload-worker.js"
OVERLAY_ID = "polyfolio-build-error"
MAX_OVERLAY_MESSAGES = 50

# Each page reloads when it hears of a build other than (and newer than) the one it shows.  A
# browser opens only about six HTTP/1.1 connections per host, so tabs do not each hold an event
# stream: one shared worker holds it for all of them (a direct stream where there is no
# SharedWorker).  Tags are "<server token>-<count>"; another token means a restarted server.
_RELOAD_TEMPLATE = """\
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = (script && script.getAttribute("data-polyfolio-build")) || "";
  function isNewer(tag) {
    var a = String(tag).split("-"), b = shown.split("-");
    return a[0] !== b[0] || Number(a[1]) > Number(b[1]);
  }
  function hear(tag) {
    if (isNewer(tag)) { window.location.reload(); }
  }
  if (window.SharedWorker) {
    var worker = new SharedWorker("__WORKER__", { name: "polyfolio-reload" });
    worker.port.onmessage = function (event) { hear(event.data); };
  } else if (window.EventSource) {
    var source = new EventSource("__EVENTS__");
    source.addEventListener("reload", function (event) { hear(event.data); });
    window.addEventListener("pagehide", function () { source.close(); });
  }
})();
"""

_WORKER_TEMPLATE = """\
"use strict";
var ports = [];
var latest = null;
var source = new EventSource("__EVENTS__");
source.addEventListener("reload", function (event) {
  latest = event.data;
  ports.forEach(function (port) { port.postMessage(latest); });
});
self.onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  if (latest !== null) { port.postMessage(latest); }
};
"""

RELOAD_SCRIPT = _RELOAD_TEMPLATE.replace("__WORKER__", WORKER_PATH).replace(
    "__EVENTS__", EVENTS_PATH
)
WORKER_SCRIPT = _WORKER_TEMPLATE.replace("__EVENTS__", EVENTS_PATH)

_OVERLAY_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;overflow:auto;"
    "margin:0;padding:1rem 1.25rem;background:#1d1d1f;color:#f5f5f5;"
    "border-top:4px solid #e5484d;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace"
)


def inject_into_html(page: bytes, tag: str, outcome: BuildOutcome) -> bytes:
    """``page`` with the reload script (and the overlay after a failed build) before ``</body>``."""
    snippet = (overlay_html(outcome) if not outcome.ok else "") + script_tag(tag)
    # ASCII with character references fits any ASCII-compatible page encoding.
    data = snippet.encode("ascii", "xmlcharrefreplace")
    at = page.lower().rfind(b"</body>")
    return page + data if at < 0 else page[:at] + data + page[at:]


def script_tag(tag: str) -> str:
    return f'<script src="{SCRIPT_PATH}" data-polyfolio-build="{html.escape(tag)}" defer></script>'


def overlay_html(outcome: BuildOutcome) -> str:
    shown = outcome.messages[:MAX_OVERLAY_MESSAGES]
    hidden = len(outcome.messages) - len(shown)
    lines = [html.escape(message) for message in shown]
    if hidden > 0:
        lines.append(f"... and {hidden} more (see the terminal)")
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="{_OVERLAY_STYLE}">'
        '<p style="margin:0 0 .5rem;font-weight:700">'
        "polyfolio: the last build failed; this page is from the build before it</p>"
        f'<pre style="margin:0;white-space:pre-wrap">{chr(10).join(lines)}</pre></div>'
    )


def fallback_page(title: str, outcome: BuildOutcome, tag: str) -> bytes:
    """A minimal page for a 404 with no 404.html (e.g. the very first build failed)."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><main><h1>{html.escape(title)}</h1></main></body></html>"
    )
    return inject_into_html(body.encode("utf-8"), tag, outcome)
