"""Data-driven `polyfolio check` cases: tests/fixtures/check/cases.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from polyfolio.check import check_site
from polyfolio.cli import main
from polyfolio.content.site import load_site
from tests.shared_data import REPO, write_site

CASES: list[dict[str, Any]] = yaml.safe_load(
    (REPO / "tests" / "fixtures" / "check" / "cases.yml").read_text(encoding="utf-8")
)


def _make(root: Path, case: dict[str, Any]) -> Path:
    write_site(root, case["files"])
    for rel in case.get("images", []):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1, 1)).save(root / rel)
    return root


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_check_reports_exactly(case: dict[str, Any], tmp_path: Path) -> None:
    site = _make(tmp_path, case)
    found = [str(d) for d in check_site(load_site(site))]
    assert found == case["expect"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_check_exit_code(
    case: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _make(tmp_path, case)
    has_errors = any(": error: " in line for line in case["expect"])
    assert main(["check", str(site)]) == (1 if has_errors else 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for line in case["expect"]:
        assert line in err
