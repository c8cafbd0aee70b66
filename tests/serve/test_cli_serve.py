"""`polyfolio serve` as a user runs it: builds, prints the URL, serves, stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from polyfolio.cli import main
from tests.serve.rawhttp import raw_get
from tests.shared_data import EXAMPLE_SITE, require

URL = re.compile(rb"serving .* at http://127\.0\.0\.1:(\d+)/")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(require(EXAMPLE_SITE), copy, ignore=shutil.ignore_patterns(".polyfolio"))
    return copy


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"  # the server's TMPDIR, where it builds
    folder.mkdir()
    return folder


@pytest.fixture
def serving(site: Path, scratch: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "polyfolio", "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        assert process.stdout is not None
        # Bounded wait: should the URL line never reach stdout, fail now rather than hang.
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "serve printed no URL line on stdout within 60 s"
        line = process.stdout.readline()
        match = URL.search(line)
        assert match, line
        yield process, int(match.group(1))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_builds_serves_and_stops_cleanly(
    serving: tuple[subprocess.Popen[bytes], int], scratch: Path, stop: signal.Signals
) -> None:
    process, port = serving
    assert any(scratch.iterdir())  # the build lives in a temporary folder, not in the site
    home = raw_get(port, "/")
    assert home.status == 200
    assert b'class="portfolio-grid"' in home.body
    assert b"/__polyfolio/reload.js" in home.body
    assert raw_get(port, "/gr/").status == 200
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert b"stopped" in stderr
    assert b"Traceback" not in stderr
    assert not any(scratch.iterdir())  # and it is gone


def test_port_in_use_is_a_clear_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code = main(["serve", str(site), "--port", str(taken.getsockname()[1])])
    assert code == 1
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err
