"""The command-line contract: exit codes 0/1/2 and messages without tracebacks."""

from __future__ import annotations

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


def test_installed_command_runs_as_a_module(tmp_path: Path) -> None:
    write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: [\n---\n"})
    result = subprocess.run(
        [sys.executable, "-m", "polyfolio", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("_portfolio/a.md:3:1: error: invalid YAML")
    assert "Traceback" not in result.stderr
