"""What the dev server adds to every HTML page: the live-reload script, and after a failed
build an overlay with the build's messages (escaped: they quote the user's content)."""

from __future__ import annotations

import html

from polyfolio.serve.outcome import BuildOutcome

EVENTS_PATH = "/__polyfolio/events"
SCRIPT_PATH = "/__polyfolio/reload.js"
OVERLAY_ID = "polyfolio-build-error"
MAX_OVERLAY_MESSAGES = 50

# Reload when the stream (EVENTS_PATH) announces a build other than the one this page shows.
RELOAD_SCRIPT = """\
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-polyfolio-build") : null;
  if (!window.EventSource) { return; }
  var source = new EventSource("/__polyfolio/events");
  source.addEventListener("reload", function (event) {
    if (event.data !== shown) {
      source.close();
      window.location.reload();
    }
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
"""

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
