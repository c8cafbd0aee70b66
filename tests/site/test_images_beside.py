"""A first build makes its image variants in a forked child while pages are rendered from what
each image's header promises; an image that breaks the promise (pixels unreadable behind a
good header) gets the build made again, images first, with the same result as a build that
never tried."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from polyfolio import processes
from polyfolio.site import build, images
from polyfolio.site.build import build_site
from polyfolio.site.output import MANIFEST
from tests.site import sites
from tests.site.test_output_folder import snapshot
from tests.site.test_staging import staging_folders

IMAGE = "assets/img/alpha.png"
Children = list[processes.Forked[object, object]]


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking does not need two cores, only the build's choice to fork: made the same here."""
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Children:
    """The children started beside the build (not those a build in place forks to make its
    images first)."""
    children: Children = []
    real = images.ImageStore._start

    def spy(self: images.ImageStore, jobs: dict[str, str], workers: int) -> bool:
        began = real(self, jobs, workers)
        if began:
            children.extend(self._pending)  # type: ignore[arg-type]
        return began

    monkeypatch.setattr(images.ImageStore, "_start", spy)
    return children


def _retried_and_in_place(
    tmp_path: Path, roots: tuple[Path, Path], image: bytes
) -> tuple[build.BuildResult, build.BuildResult]:
    """alpha's image replaced by ``image`` in both twins; the first built into a new folder
    (made again, images first, after the attempt beside them), the other in place."""
    for root in roots:
        (root / IMAGE).write_bytes(image)
    attempts: list[bool] = []
    real = build._build_into

    def spy(*args: object, images_beside: bool) -> object:
        attempts.append(images_beside)
        return real(*args, images_beside=images_beside)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "_build_into", spy)
        first = build_site(roots[0], tmp_path / "first")
    assert attempts == [True, False]
    return first, _in_place(roots[1], tmp_path / "other")


GAMMA = """\
---
title: Gamma
image: assets/img/gamma.png
page_id: gamma
---
Gamma's body.
"""


def _png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _twin_sites(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of one site with two images, each copy with its own (empty) caches."""
    extra: dict[str, str | bytes] = {
        "_portfolio/gamma.md": GAMMA,
        "assets/img/gamma.png": _png((900, 600), (200, 90, 10)),
    }
    return sites.make_site(tmp_path / "a", extra), sites.make_site(tmp_path / "b", extra)


def _pages(out: Path) -> dict[str, bytes]:
    """The output, but the manifest (it keeps each copied file's stamp, which differs)."""
    return {rel: data for rel, data in snapshot(out).items() if rel != MANIFEST}


def _in_place(root: Path, out: Path) -> build.BuildResult:
    """A build into an existing folder: it makes every image before rendering."""
    out.mkdir()
    return build_site(root, out)


def test_a_first_build_makes_images_beside_and_equals_one_that_made_them_first(
    tmp_path: Path, started: Children
) -> None:
    first_root, other_root = _twin_sites(tmp_path)
    first = build_site(first_root, tmp_path / "first")
    assert len(started) == 2  # one child a core
    other = _in_place(other_root, tmp_path / "other")
    assert len(started) == 2  # the build in place made them first

    assert first.ok and other.ok
    assert first.images_made == other.images_made == 2
    assert _pages(tmp_path / "first") == _pages(tmp_path / "other")
    assert any(rel.endswith(".webp") for rel in snapshot(tmp_path / "first"))


@pytest.mark.usefixtures("settled_stamps")
def test_a_rebuild_reuses_the_variants_made_beside(tmp_path: Path, started: Children) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    again = build_site(root, tmp_path / "again")
    assert len(started) == 1
    assert (again.images_made, again.images_reused) == (0, 1)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "again")


def _truncated_png() -> bytes:
    """Noise (so the pixel data is large), cut in half: the header reads, the pixels do not."""
    buffer = io.BytesIO()
    Image.effect_noise((600, 400), 60).convert("RGB").save(buffer, "PNG")
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    with Image.open(io.BytesIO(cut)) as opened:
        assert opened.size == (600, 400)
    return cut


@pytest.mark.parametrize("warm", [False, True], ids=["new-cache", "gamma-cached"])
def test_pixels_unreadable_behind_a_good_header_get_the_build_made_again(
    tmp_path: Path, warm: bool
) -> None:
    first_root, other_root = _twin_sites(tmp_path)
    if warm:  # gamma's variants are in the cache: reused, and counted once
        _in_place(first_root, tmp_path / "warm-first")
        _in_place(other_root, tmp_path / "warm-other")
    first, other = _retried_and_in_place(tmp_path, (first_root, other_root), _truncated_png())

    assert _pages(tmp_path / "first") == _pages(tmp_path / "other")
    assert [str(d) for d in first.diagnostics] == [str(d) for d in other.diagnostics]
    assert (first.images_made, first.images_reused) == (other.images_made, other.images_reused)
    # gamma: made beside in the first attempt (not "reused" by the second), or reused once
    assert (first.images_made, first.images_reused) == ((0, 1) if warm else (1, 0))
    unreadable = [d for d in first.diagnostics if "cannot read image" in d.message]
    assert unreadable and all(d.location.line for d in unreadable)
    # The pages show the file itself, as for any image without variants.
    alpha = (tmp_path / "first" / "portfolio" / "alpha" / "index.html").read_text()
    assert f'src="/{IMAGE}"' in alpha and "srcset" not in alpha
    assert staging_folders(tmp_path) == []


def test_a_build_that_fails_stops_the_images_made_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Children
) -> None:
    root = sites.make_site(tmp_path / "site")
    (root / "_polyfolio" / "templates").mkdir(parents=True)
    (root / "_polyfolio" / "templates" / "item.html").write_text("{{ no_such_value }}\n")

    def _make_share(args: object) -> object:  # images that would take a minute
        time.sleep(60)
        return []

    monkeypatch.setattr(images, "_make_share", _make_share)
    monkeypatch.setattr(images, "settled", lambda stamp, taken: True)  # an image written long ago
    result = build_site(root, tmp_path / "out")
    assert len(started) == 1
    assert not result.ok
    for child in started:  # killed and waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(child.pid, os.WNOHANG)
    assert not (tmp_path / "out").exists()
    # The source hashes found are kept: the next build need not read the image again.
    index = json.loads((root / ".polyfolio" / "cache" / "images" / "index.json").read_text())
    assert IMAGE in index["files"]


def test_a_child_that_cannot_be_forked_leaves_the_images_to_be_made_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_root, other_root = _twin_sites(tmp_path)

    def no_process() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(processes.os, "fork", no_process)
    first = build_site(first_root, tmp_path / "first")
    _in_place(other_root, tmp_path / "other")
    assert first.ok and first.images_made == 2
    assert _pages(tmp_path / "first") == _pages(tmp_path / "other")


def _png_with_exif_after_pixels(orientation: int) -> bytes:
    """A PNG whose eXIf chunk follows its pixel data (allowed, rarely written): only a reader
    that decodes every pixel finds it."""
    import struct
    import zlib

    plain = _png((900, 600), (20, 60, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = exif.tobytes()[len(b"Exif\0\0") :]
    chunk = struct.pack(">I", len(data)) + b"eXIf" + data
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + data))
    end = plain.rindex(b"IEND") - 4
    made = plain[:end] + chunk + plain[end:]
    with Image.open(io.BytesIO(made)) as opened:
        assert opened.getexif().get(0x0112) == orientation  # Pillow's reader sees it
    return made


def test_an_orientation_stored_after_the_pixels_gets_the_build_made_again(
    tmp_path: Path,
) -> None:
    first_root, other_root = _twin_sites(tmp_path)
    turned = _png_with_exif_after_pixels(6)
    first, other = _retried_and_in_place(tmp_path, (first_root, other_root), turned)
    assert first.ok and other.ok
    assert _pages(tmp_path / "first") == _pages(tmp_path / "other")
    alpha = (tmp_path / "first" / "portfolio" / "alpha" / "index.html").read_text()
    assert 'width="600" height="900"' in alpha  # shown upright
