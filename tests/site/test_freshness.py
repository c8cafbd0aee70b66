"""The no-change rebuild: taken only when nothing a build depends on changed, and then it
reports what a full rebuild would have reported."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from polyfolio.content import site as content_site
from polyfolio.content.stamps import Stamp
from polyfolio.site import freshness
from polyfolio.site.build import build_site
from polyfolio.site.freshness import Watch
from polyfolio.site.result import BuildResult
from tests.shared_data import write_site
from tests.site import sites
from tests.site.test_rebuild import cold_build, tree


def _summary(result: BuildResult) -> tuple[object, ...]:
    return (
        result.diagnostics,
        result.pages,
        result.images_made + result.images_reused,
        result.written,
        result.unchanged,
        result.deleted,
    )


def _record(root: Path, out: Path) -> Path:
    return Watch(root, out).record_path


def test_a_no_change_rebuild_reports_what_a_full_one_would(tmp_path: Path) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    first = build_site(root, out)
    assert [d.level.value for d in first.diagnostics] == ["warning"]  # kept Liquid
    _record(root, out).unlink()  # the next build cannot take the short cut
    full = build_site(root, out)
    fast = build_site(root, out)
    assert not full.reused_whole and fast.reused_whole
    assert _summary(fast) == _summary(full)
    assert fast.groups_rendered == fast.bodies_rendered == 0


def test_a_build_with_errors_is_never_reused(tmp_path: Path) -> None:
    broken = sites.ALPHA_EN.replace("assets/img/alpha.png", "assets/img/missing.png")
    root = sites.make_site(tmp_path / "site", {"_portfolio/alpha.md": broken})
    first = build_site(root, tmp_path / "out")
    again = build_site(root, tmp_path / "out")
    assert not first.ok and not again.reused_whole
    assert again.diagnostics == first.diagnostics


def _damaged(record: bytes) -> bytes:
    """A record of the right format with the wrong contents."""
    payload = marshal.loads(record)
    payload["inputs"] = [1, 2]
    payload["collection"] = {"files": None}
    return marshal.dumps(payload)


@pytest.mark.parametrize(
    "damage",
    [lambda _: b"", lambda _: b"\x00\x01", lambda _: b"{not marshal", _damaged],
    ids=["empty", "binary", "text", "damaged"],
)
def test_a_corrupt_record_means_a_full_build(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    record = _record(root, out)
    record.write_bytes(damage(record.read_bytes()))
    assert not build_site(root, out).reused_whole
    assert build_site(root, out).reused_whole


def test_each_output_folder_has_its_own_record(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "one")
    build_site(root, tmp_path / "two")
    assert build_site(root, tmp_path / "one").reused_whole
    assert build_site(root, tmp_path / "two").reused_whole


def test_the_record_of_a_removed_output_folder_is_dropped(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "one")
    build_site(root, tmp_path / "two")
    shutil.rmtree(tmp_path / "one")
    build_site(root, tmp_path / "three")
    records = {path.name for path in _record(root, tmp_path).parent.glob("build-*")}
    assert records == {_record(root, tmp_path / out).name for out in ("two", "three")}


def test_an_image_outside_assets_is_watched(tmp_path: Path) -> None:
    item = sites.BETA_EN.replace("https://cdn.example/beta.jpg", "pictures/beta.png")
    root = sites.make_site(tmp_path / "site", {"_portfolio/beta.md": item})
    (root / "pictures").mkdir()
    Image.new("RGB", (300, 200), (10, 20, 30)).save(root / "pictures" / "beta.png")
    build_site(root, tmp_path / "out")
    Image.new("RGB", (300, 200), (200, 20, 30)).save(root / "pictures" / "beta.png")
    again = build_site(root, tmp_path / "out")
    assert not again.reused_whole and again.images_made == 1
    assert tree(tmp_path / "out") == cold_build(root, tmp_path / "cold")


def test_a_new_library_version_means_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    libraries = tmp_path / "site-packages"
    libraries.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(libraries)])
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    assert build_site(root, out).reused_whole
    (libraries / "markdown_lib-2.0.dist-info").mkdir()  # what installing a version does
    assert not build_site(root, out).reused_whole


def test_a_change_to_polyfolio_itself_means_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    write_site(package, {"site/pages.py": "X = 1\n", "site/templates/base.html": "<html>"})
    monkeypatch.setattr(freshness, "PACKAGE_DIR", package)
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    assert build_site(root, out).reused_whole
    write_site(package, {"site/templates/base.html": "<html lang>"})
    assert not build_site(root, out).reused_whole


def _same_tick(stat: os.stat_result) -> Stamp:
    """A stamp as if every edit fell in the clock tick of the last write (see test_stamps)."""
    return (stat.st_size, stat.st_mtime_ns, 0, stat.st_mtime_ns)


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("_config.yml", "Mini Clinic", "Mini Clinix"),
        ("_portfolio/alpha.md", "Someone", "Sameone"),
        ("_data/sitetext.yml", "Pick one.", "Pick two."),
    ],
)
def test_an_edit_in_the_same_clock_tick_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rel: str, old: str, new: str
) -> None:
    """Nothing in the stat changes: only the content hash kept for racy entries sees it."""
    monkeypatch.setattr(freshness, "stamp_of", _same_tick)
    monkeypatch.setattr(content_site, "stamp_of", _same_tick)
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    path = root / rel
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert not build_site(root, out).reused_whole
    assert tree(out) == cold_build(root, tmp_path / "cold")


def test_the_command_answers_without_importing_the_build(tmp_path: Path) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    script = (
        "import sys; from polyfolio.cli import main; code = main(sys.argv[1:]); "
        "print('imported' if 'polyfolio.site.build' in sys.modules else 'not imported'); "
        "sys.exit(code)"
    )
    command = [sys.executable, "-c", script, "build", str(root), "--out", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[-1] == "imported"
    assert second.stdout.splitlines()[-1] == "not imported"
    assert second.stdout.split(",")[0] == first.stdout.split(",")[0]  # "built N pages"
    assert (
        " 0 files written" in second.stdout and "warning: Liquid" in second.stdout + second.stderr
    )
    assert second.stderr == first.stderr
