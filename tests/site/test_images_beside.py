"""A first build makes its image variants in a forked child while pages are rendered from what
each image's header promises; an image that breaks the promise (pixels unreadable behind a
good header) gets the build made again, images first, with the same result as a build that
never tried."""

from __future__ import annotations

import io
import multiprocessing
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


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking does not need two cores, only the build's choice to fork: made the same here."""
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the works started beside the build."""
    names: list[str] = []
    real = processes.Forked.__init__

    def spy(self: processes.Forked[object, object], work: object, arg: object) -> None:
        names.append(getattr(work, "__name__", "?"))
        real(self, work, arg)  # type: ignore[arg-type]

    monkeypatch.setattr(processes.Forked, "__init__", spy)
    return names


def _attempts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each attempt at the build made its images beside the pages."""
    made: list[bool] = []
    real = build._build_into

    def spy(*args: object, images_beside: bool) -> object:
        made.append(images_beside)
        return real(*args, images_beside=images_beside)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_build_into", spy)
    return made


def _twin_sites(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of one site, each with its own (empty) caches."""
    return sites.make_site(tmp_path / "a"), sites.make_site(tmp_path / "b")


def _pages(out: Path) -> dict[str, bytes]:
    """The output, but the manifest (it keeps each copied file's stamp, which differs)."""
    return {rel: data for rel, data in snapshot(out).items() if rel != MANIFEST}


def _in_place(root: Path, out: Path) -> build.BuildResult:
    """A build into an existing folder: it makes every image before rendering."""
    out.mkdir()
    return build_site(root, out)


def test_a_first_build_makes_images_beside_and_equals_one_that_made_them_first(
    tmp_path: Path, started: list[str]
) -> None:
    first_root, other_root = _twin_sites(tmp_path)
    first = build_site(first_root, tmp_path / "first")
    assert started == ["_make_share"]
    other = _in_place(other_root, tmp_path / "other")
    assert started == ["_make_share"]  # the build in place made its image itself

    assert first.ok and other.ok
    assert first.images_made == other.images_made == 1
    assert _pages(tmp_path / "first") == _pages(tmp_path / "other")
    assert any(rel.endswith(".webp") for rel in snapshot(tmp_path / "first"))


def test_a_rebuild_reuses_the_variants_made_beside(tmp_path: Path, started: list[str]) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    again = build_site(root, tmp_path / "again")
    assert started == ["_make_share"]
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


def test_pixels_unreadable_behind_a_good_header_get_the_build_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_root, other_root = _twin_sites(tmp_path)
    broken = _truncated_png()
    (first_root / IMAGE).write_bytes(broken)
    (other_root / IMAGE).write_bytes(broken)
    attempts = _attempts(monkeypatch)

    first = build_site(first_root, tmp_path / "first")
    assert attempts == [True, False]
    other = _in_place(other_root, tmp_path / "other")

    assert _pages(tmp_path / "first") == _pages(tmp_path / "other")
    assert [str(d) for d in first.diagnostics] == [str(d) for d in other.diagnostics]
    unreadable = [d for d in first.diagnostics if "cannot read image" in d.message]
    assert unreadable and all(d.location.line for d in unreadable)
    # The pages show the file itself, as for any image without variants.
    alpha = (tmp_path / "first" / "portfolio" / "alpha" / "index.html").read_text()
    assert f'src="/{IMAGE}"' in alpha and "srcset" not in alpha
    assert staging_folders(tmp_path) == []


def test_a_build_that_fails_stops_the_images_made_beside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[str]
) -> None:
    root = sites.make_site(tmp_path / "site")
    (root / "_polyfolio" / "templates").mkdir(parents=True)
    (root / "_polyfolio" / "templates" / "item.html").write_text("{{ no_such_value }}\n")

    def _make_share(args: object) -> object:  # images that would take a minute
        time.sleep(60)
        return []

    monkeypatch.setattr(images, "_make_share", _make_share)
    begun = time.monotonic()
    result = build_site(root, tmp_path / "out")
    assert time.monotonic() - begun < 30
    assert started == ["_make_share"]
    assert not result.ok
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out").exists()
