"""Watching, rebuilding and reloading: a change builds and announces; a failed build shows an
overlay (escaped) and the server keeps serving; the next good build clears it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from polyfolio.serve import BuildOutcome, DevServer
from polyfolio.serve.inject import OVERLAY_ID, inject_into_html
from tests.serve.conftest import quiet
from tests.serve.rawhttp import EventStream, raw_get

QUIET_SECONDS = 0.5
HOSTILE = '_portfolio/x.md:3:8: error: bad <script>alert("x")</script> & more'


@dataclass
class ScriptedBuilder:
    """Writes a page into the output (and a cache file into .polyfolio) like a real build, and
    fails while ``failing`` is set."""

    site: Path
    out: Path
    failing: bool = False
    crash: bool = False
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self) -> BuildOutcome:
        with self.lock:
            self.calls += 1
        if self.crash:
            raise RuntimeError("builder exploded")
        if self.failing:
            return BuildOutcome(False, [HOSTILE], 0.01)
        text = (self.site / "page.md").read_text()
        (self.out / "index.html").write_text(f"<html><body><p>{text}</p></body></html>")
        cache = self.site / ".polyfolio" / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "entry").write_text(text)
        return BuildOutcome(True, [], 0.01)


@dataclass
class LiveSite:
    site: Path
    out: Path
    builder: ScriptedBuilder
    server: DevServer
    log: list[str]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSite]:
    site = tmp_path / "site"
    out = site / "_site"  # inside the watched folder, as with `polyfolio build`'s default
    out.mkdir(parents=True)
    (site / "page.md").write_text("first")
    builder = ScriptedBuilder(site, out)

    def ignore(path: Path) -> bool:
        return path.is_relative_to(site / ".polyfolio")

    log: list[str] = []
    server = DevServer(out, builder, [site], port=0, ignore=ignore, log=log.append)
    with server:
        yield LiveSite(site, out, builder, server, log)


def _connect(port: int) -> EventStream:
    stream = EventStream(port)
    assert stream.status == 200
    assert stream.next_event()[0] == "reload"  # the current build, announced on connect
    return stream


def _reload_after(stream: EventStream, edit: Path, text: str) -> str:
    edit.write_text(text)
    event, tag = stream.next_event()
    assert event == "reload"
    return tag


def test_initial_build_happens_before_serving(live: LiveSite) -> None:
    assert live.builder.calls == 1
    assert b"<p>first</p>" in raw_get(live.server.port, "/").body


def test_a_change_rebuilds_and_announces_a_reload(live: LiveSite) -> None:
    with _connect(live.server.port) as stream:
        tag = _reload_after(stream, live.site / "page.md", "second")
    page = raw_get(live.server.port, "/").body
    assert b"<p>second</p>" in page
    assert f'data-polyfolio-build="{tag}"'.encode() in page
    assert any(line.endswith(" changed: page.md") for line in live.log)
    assert live.log[-1].endswith(" built in 0.01 s")


def test_an_atomic_save_is_one_change_of_the_saved_file(live: LiveSite) -> None:
    # Editors (and sed -i) write a temporary file and rename it over the original.
    with _connect(live.server.port) as stream:
        temporary = live.site / ".page.md.swap-1234"
        temporary.write_text("saved atomically")
        os.replace(temporary, live.site / "page.md")
        _, tag = stream.next_event()
    assert f'data-polyfolio-build="{tag}"'.encode() in raw_get(live.server.port, "/").body
    assert b"<p>saved atomically</p>" in raw_get(live.server.port, "/").body
    changed = [line for line in live.log if " changed: " in line]
    assert changed[-1].endswith(" changed: page.md")


def test_output_and_ignored_folders_do_not_trigger_builds(live: LiveSite) -> None:
    # Each build writes into _site/ and .polyfolio/; watching them would rebuild forever.
    with _connect(live.server.port) as stream:
        _reload_after(stream, live.site / "page.md", "one")
        time.sleep(QUIET_SECONDS)  # room for a rebuild loop to show itself, if there were one
        settled = live.builder.calls
        (live.out / "extra.html").write_text("written by someone else")
        (live.site / ".polyfolio" / "cache" / "extra").write_text("cache")
        time.sleep(QUIET_SECONDS)
        assert live.builder.calls == settled
        _reload_after(stream, live.site / "page.md", "two")  # still watching the sources
    assert live.builder.calls > settled


def test_failed_build_shows_escaped_overlay_and_keeps_serving(live: LiveSite) -> None:
    live.builder.failing = True
    with _connect(live.server.port) as stream:
        _reload_after(stream, live.site / "page.md", "broken")
        page = raw_get(live.server.port, "/").body
        assert OVERLAY_ID.encode() in page
        assert b"<p>first</p>" in page  # the previous output is still served
        assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
        assert b"<script>alert" not in page
        assert b"_portfolio/x.md:3:8" in page
        assert HOSTILE in live.log  # the terminal gets the messages too
        assert live.log[-1].endswith(" build FAILED in 0.01 s")
        missing = raw_get(live.server.port, "/nothing-here.html")
        assert missing.status == 404
        assert OVERLAY_ID.encode() in missing.body  # even a first build that failed shows it

        live.builder.failing = False
        _reload_after(stream, live.site / "page.md", "fixed")
    page = raw_get(live.server.port, "/").body
    assert OVERLAY_ID.encode() not in page
    assert b"<p>fixed</p>" in page


def test_builder_exception_is_a_failed_build_not_a_dead_server(live: LiveSite) -> None:
    live.builder.crash = True
    outcome = live.server.rebuild()
    assert not outcome.ok
    assert outcome.messages == ["build crashed: RuntimeError: builder exploded"]
    page = raw_get(live.server.port, "/").body
    assert b"build crashed: RuntimeError: builder exploded" in page
    assert raw_get(live.server.port, "/").status == 200


def test_stop_ends_open_event_streams(tmp_path: Path) -> None:
    server = DevServer(tmp_path, lambda: BuildOutcome(True), [], port=0, on_build=quiet)
    server.start()
    stream = EventStream(server.port)
    stream.next_event()
    server.stop()
    with pytest.raises(ConnectionError):
        stream.next_event()
    stream.close()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (b"<html><body><p>x</p></body></html>", b"<p>x</p><script"),
        (b"<HTML><BODY>x</BODY></HTML>", b"x<script"),
        (b"<p>no body tag", b"<p>no body tag<script"),
        (b"<body>a</body><!-- </body> in a comment --></body>", b"in a comment --><script"),
    ],
)
def test_reload_script_goes_before_the_last_closing_body(page: bytes, expected: bytes) -> None:
    injected = inject_into_html(page, "t-1", BuildOutcome(True))
    assert expected in injected
    assert injected.count(b"<script") == 1


def test_overlay_text_is_ascii_safe_for_any_page_encoding() -> None:
    outcome = BuildOutcome(False, ["_portfolio/gr/βοτουλινική.md:1:1: error: κακό"])
    injected = inject_into_html(b"<body></body>", "t-1", outcome)
    injected.decode("ascii")
    assert "&#946;" in injected.decode("ascii")  # β


def test_a_folder_that_cannot_be_watched_fails_at_start(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    server = DevServer(tmp_path, lambda: BuildOutcome(True), [missing], port=0, on_build=quiet)
    with pytest.raises(FileNotFoundError):
        server.start()
    with pytest.raises(ConnectionRefusedError):  # and it did not leave a server behind
        raw_get(server.port, "/")
