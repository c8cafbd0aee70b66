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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]  # nor a staging folder


def test_killed_build_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Image workers (and the group worker) die with a killed build instead of waiting forever
    on a pipe only they still hold."""
    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs Linux /proc to see child processes")
    site = _site_with_large_images(tmp_path / "site")
    process = subprocess.Popen(
        [sys.executable, "-m", "polyfolio", "build", str(site), "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = _wait_for_children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert workers, "the build started no worker to kill"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert [pid for pid in workers if _alive(pid)] == []


def _site_with_large_images(root: Path) -> Path:
    from PIL import Image

    generate_site(root, 4)
    pictures = root / "assets" / "img" / "big"
    pictures.mkdir(parents=True)
    for index, item in enumerate(sorted((root / "_portfolio").glob("*.md"))):
        Image.effect_noise((2400, 1800), 64).convert("RGB").save(pictures / f"p{index}.png")
        big = f"image: assets/img/big/p{index}.png #"  # the old value becomes a comment
        item.write_text(item.read_text("utf-8").replace("image: ", big, 1), "utf-8")
    return root


def _wait_for_children(pid: int) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        children = [
            int(child)
            for task in Path(f"/proc/{pid}/task").glob("*")
            for child in (task / "children").read_text().split()
        ]
        if children:
            return children
        time.sleep(0.01)
    return []


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
