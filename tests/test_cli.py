"""The command-line contract: exit codes 0/1/2 and messages without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from polyfolio.cli import main
from tests.shared_data import write_site


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(tmp_path / "absent")]) == 2
    assert main(["no-such-command"]) == 2
    assert main(["status", "--bogus"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    for command in ("new", "build", "serve", "status", "translate", "check"):
        assert command in out


def test_bad_config_is_a_located_message_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_config.yml": "polyfolio:\n  languages: 3\n"})
    assert main(["status", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("_config.yml:2:14: error: polyfolio.languages must be a list")
    assert "Traceback" not in err


def test_site_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: A\n---\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["status", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def _polyfolio(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m polyfolio *args`` in a process of its own, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "polyfolio", *args], capture_output=True, text=True, check=False
    )


def test_installed_command_runs_as_a_module(tmp_path: Path) -> None:
    write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: [\n---\n"})
    result = _polyfolio("check", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("_portfolio/a.md:3:1: error: invalid YAML")
    assert "Traceback" not in result.stderr


def _exit_now(body: str, code: int) -> list[str]:
    """A Python process that runs ``body``, then ``exit_now(code)``."""
    end = f"from polyfolio.cli import exit_now\nexit_now({code})\n"
    return [sys.executable, "-c", f"import os, sys\n{body}\n{end}"]


# Buffered output, as in a plain shell: what exit_now must flush.
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def test_exit_now_flushes_output_and_runs_exit_handlers() -> None:
    body = (
        "import atexit\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.stdout.write('x' * 100_000)\n"  # more than a pipe holds: some is still ours
        "sys.stderr.write('to stderr')\n"
    )
    result = subprocess.run(
        _exit_now(body, 3), capture_output=True, text=True, check=False, env=BUFFERED
    )
    assert result.returncode == 3
    assert result.stdout == "x" * 100_000 + "handler ran\n"
    assert result.stderr == "to stderr"


def test_exit_now_waits_for_other_threads_as_a_normal_exit_does() -> None:
    body = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()\n"
    )
    result = subprocess.run(
        _exit_now(body, 0), capture_output=True, text=True, check=False, env=BUFFERED
    )
    assert (result.returncode, result.stdout) == (0, "thread done\n")


def test_exit_now_reports_output_the_reader_never_took() -> None:
    # The child writes (into its buffer), then waits for stdin to close, by which time
    # nobody reads its stdout any more.
    child = subprocess.Popen(
        _exit_now("sys.stdout.write('lost')\nos.read(0, 1)\n", 0),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=BUFFERED,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdout.close()
    child.stdin.close()
    assert child.wait(timeout=30) == 120


def test_the_command_ends_with_its_report_and_exit_code(tmp_path: Path) -> None:
    write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: A\npage_id: a\n---\nBody.\n"})
    result = _polyfolio("build", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built 3 pages, 0 images")
    assert "url is not set" in result.stderr
    assert (tmp_path / "_site" / "portfolio" / "a" / "index.html").is_file()
