"""A build killed at any moment leaves every page whole (old, new or absent, never torn), and
the next build completes the output exactly as an uninterrupted build would."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio.site.build import build_site
from polyfolio.site.output import MANIFEST

ITEMS = 240  # enough pages that a kill lands mid-write


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("reference")
    site = generate_site(base / "site", ITEMS)
    build_site(site, base / "out")
    return site, tree(base / "out")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def whole(rel: str, data: bytes) -> bool:
    if rel.endswith(".html"):
        return data.rstrip().endswith(b"</html>")
    return True


@pytest.mark.parametrize("delay", [0.4, 0.8, 1.2, 1.8])
def test_killed_build_leaves_whole_pages_and_a_rerun_completes(
    tmp_path: Path, reference: tuple[Path, dict[str, bytes]], delay: float
) -> None:
    source, expected = reference
    site = tmp_path / "site"
    shutil.copytree(source, site, ignore=shutil.ignore_patterns(".polyfolio"))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "polyfolio", "build", str(site), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()

    if out.exists():
        torn = [rel for rel, data in tree(out).items() if not whole(rel, data)]
        torn = [rel for rel in torn if not rel.endswith(".polyfolio-tmp")]
        assert torn == []

    result = build_site(site, out)
    assert result.ok
    assert tree(out) == expected  # no temp file left behind, nothing missing or extra
