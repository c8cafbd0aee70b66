"""The A/B benchmark builds with each checkout it is given, not the one on the working path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench import ab_build


def test_both_sides_build_and_are_compared(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(ab_build.THIS_CHECKOUT / "polyfolio", other / "polyfolio")
    runs = ab_build.compare(other, items=20, rounds=1)
    assert [len(found) for found in runs.values()] == [1, 1]
    assert all(
        run.returncode == 0 and run.cpu_seconds > 0 for found in runs.values() for run in found
    )
    rows = ab_build._rows(runs)
    assert [row[0] for row in rows[1:]] == ["other", "this"]
    assert rows[1][3] == "1.000"


def test_the_other_side_runs_the_other_checkout(tmp_path: Path) -> None:
    """Broken there only: were the working folder's or the installed polyfolio run instead,
    both sides would build."""
    other = tmp_path / "other"
    shutil.copytree(ab_build.THIS_CHECKOUT / "polyfolio", other / "polyfolio")
    (other / "polyfolio" / "__main__.py").write_text("raise SystemExit(7)\n")
    with pytest.raises(SystemExit, match="other checkout's build failed"):
        ab_build.compare(other, items=20, rounds=1)


def test_rebuilds_are_compared_round_by_round(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(ab_build.THIS_CHECKOUT / "polyfolio", other / "polyfolio")
    found = ab_build.compare_rebuilds(other, items=20, rounds=2)
    assert list(found) == list(ab_build.REBUILDS)
    assert all(len(runs) == 2 for by_side in found.values() for runs in by_side.values())
    rows = ab_build._rebuild_rows(found)
    assert [row[0] for row in rows[1:]] == ["no change", "one item changed"]
    assert all(row[3].startswith(("+", "-")) for row in rows[1:])
