"""Adversarial cases for the shortcuts a rebuild takes on trust (file stamps, the no-change
path, the read-ahead): each builds a site, changes something a shortcut could miss, builds
again and compares with a cold build of the same files."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import polyfolio
from polyfolio.content import listing, readahead
from polyfolio.content import site as content_site
from polyfolio.content.cache import CACHE_DIR
from polyfolio.content.listing import Listing
from polyfolio.content.readahead import ReadAhead
from polyfolio.processes import can_fork
from polyfolio.site.build import RENDERING_LIBRARIES, build_site
from polyfolio.site.result import BuildResult
from tests.site import sites
from tests.site.test_rebuild import cold_build, tree

Edit = Callable[[Path], None]


def _rebuild(
    tmp_path: Path, edit: Edit, extra: dict[str, str | bytes] | None = None
) -> BuildResult:
    """Build, edit, build again: the second build's output must be a cold build's."""
    root, out = sites.make_site(tmp_path / "site", extra), tmp_path / "out"
    build_site(root, out)
    edit(root)
    warm = build_site(root, out)
    assert tree(out) == cold_build(root, tmp_path / "cold")
    return warm


def _rewrite_keeping_stat(path: Path, data: bytes) -> None:
    """New bytes of the same size with the old mtime: only the inode-level ctime differs."""
    before = path.stat()
    assert len(data) == before.st_size
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _png(color: tuple[int, int, int]) -> bytes:
    """An uncompressed PNG: the same size whatever the colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "PNG", compress_level=0)
    return buffer.getvalue()


def test_an_asset_rewritten_with_its_size_and_mtime_is_copied(tmp_path: Path) -> None:
    rel = "assets/docs/prices.txt"
    _rebuild(tmp_path, lambda root: _rewrite_keeping_stat(root / rel, b"new\n"), {rel: "old\n"})


def test_a_theme_override_rewritten_with_its_size_and_mtime_is_copied(tmp_path: Path) -> None:
    rel = "_polyfolio/static/polyfolio.css"
    css = "body { color: tan; }\n"
    _rebuild(
        tmp_path,
        lambda root: _rewrite_keeping_stat(root / rel, css.replace("tan", "red").encode()),
        {rel: css},
    )


def test_an_image_rewritten_with_its_size_and_mtime_gets_new_variants(tmp_path: Path) -> None:
    rel = "assets/img/beta.png"
    beta = sites.BETA_EN.replace("https://cdn.example/beta.jpg", rel)
    warm = _rebuild(
        tmp_path,
        lambda root: _rewrite_keeping_stat(root / rel, _png((200, 10, 10))),
        {rel: _png((10, 10, 200)), "_portfolio/beta.md": beta},
    )
    assert warm.images_made == 1


def _append(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        with open(root / rel, "a", encoding="utf-8") as handle:
            handle.write(text)

    return edit


def test_an_asset_in_a_folder_named_like_polyfolios_own_skips_is_watched(
    tmp_path: Path,
) -> None:
    """The no-change check leaves ``examples`` and ``__pycache__`` out of polyfolio's own
    code, never out of the site's folders."""
    rel = "assets/examples/__pycache__/notes.txt"
    warm = _rebuild(tmp_path, _append(rel, "more\n"), {rel: "notes\n"})
    assert not warm.reused_whole


def test_a_template_in_a_symlinked_override_folder_is_watched(tmp_path: Path) -> None:
    """The theme follows a symlinked ``_polyfolio/templates`` (kept elsewhere, shared by
    sites): so must the no-change check."""
    shared = tmp_path / "shared-templates"
    shared.mkdir()
    (shared / "404.html").write_text("<p>Not here.</p>\n", "utf-8")
    (tmp_path / "site" / "_polyfolio").mkdir(parents=True)
    (tmp_path / "site" / "_polyfolio" / "templates").symlink_to(shared)
    warm = _rebuild(tmp_path, _append(str(shared / "404.html"), "<p>Gone.</p>\n"))  # absolute
    assert not warm.reused_whole


@pytest.mark.timeout(60)
def test_a_fifo_named_like_markdown_is_not_an_item(tmp_path: Path) -> None:
    """Opening a FIFO to read it waits for a writer: the build hung forever.  It is skipped
    like a folder named ``x.md``, so removing it changes nothing."""
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    os.mkfifo(root / "_portfolio" / "pipe.md")
    (root / "_portfolio" / "folder.md").mkdir()
    first = build_site(root, out)
    (root / "_portfolio" / "pipe.md").unlink()
    again = build_site(root, out)
    assert first.ok and again.reused_whole
    assert tree(out) == cold_build(root, tmp_path / "cold")


@pytest.fixture
def read_ahead_always(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The read-ahead even for a three-item site (it starts at hundreds of files); the list
    says how many files each read-ahead returned."""
    if not can_fork():
        pytest.skip("the read-ahead needs fork")
    monkeypatch.setattr(readahead, "PARALLEL_THRESHOLD", 1)
    returned: list[int] = []

    def counted(root: str, rels: list[str], parse: readahead.Parse) -> dict[str, ReadAhead]:
        found = readahead.read_ahead(root, rels, parse)
        returned.append(len(found))
        return found

    monkeypatch.setattr(content_site, "read_ahead", counted)
    return returned


def test_a_read_ahead_child_that_dies_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_ahead_always: list[int]
) -> None:
    parent, parse = os.getpid(), content_site._parse_front_matter

    def dies_in_a_child(rel: str, raw: bytes) -> tuple[dict[str, Any], bool]:
        if os.getpid() != parent:
            os._exit(3)
        return parse(rel, raw)

    monkeypatch.setattr(content_site, "_parse_front_matter", dies_in_a_child)
    _rebuild(tmp_path, _append("_portfolio/beta.md", "\nMore.\n"))
    assert read_ahead_always[0] == 3  # the dead child's file was read again here


def test_an_item_edited_between_the_listing_and_the_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_ahead_always: list[int]
) -> None:
    """The bytes read are stamped with the stat taken as they were read, not the listing's:
    the next build finds nothing changed and its output is still a cold build's."""
    list_collection = listing.list_collection

    def edit_after_listing(root: str, folder: str) -> Listing:
        found = list_collection(root, folder)
        _append("_portfolio/beta.md", "\nWritten meanwhile.\n")(Path(root))
        return found

    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    _append("_portfolio/alpha.md", "\nNew.\n")(root)
    monkeypatch.setattr(content_site, "list_collection", edit_after_listing)
    build_site(root, out)
    assert read_ahead_always == [3]
    monkeypatch.setattr(content_site, "list_collection", list_collection)
    assert b"Written meanwhile" in (out / "portfolio" / "beta" / "index.html").read_bytes()
    assert build_site(root, out).reused_whole
    assert tree(out) == cold_build(root, tmp_path / "cold")


def test_a_new_polyfolio_version_parses_front_matter_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached front matter is keyed by the file's bytes, but what the bytes parse to is
    polyfolio's to say: an upgrade that reads a value differently must not be served the old
    reading (its changed code already means the no-change path is not taken)."""
    parse = content_site._parse_front_matter

    def upgraded(rel: str, raw: bytes) -> tuple[dict[str, Any], bool]:
        data, has_problems = parse(rel, raw)
        return {**data, "title": f"{data.get('title')} (read anew)"}, has_problems

    def upgrade(root: Path) -> None:
        monkeypatch.setattr(polyfolio, "__version__", f"{polyfolio.__version__}.post1")
        monkeypatch.setattr(content_site, "_parse_front_matter", upgraded)
        _forget_last_build(root)

    _rebuild(tmp_path, upgrade)


@pytest.mark.parametrize("library", RENDERING_LIBRARIES)
def test_an_upgraded_rendering_library_renders_every_page_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """An upgrade changes the library's folder (so the no-change path is not taken, here the
    record is dropped), but cached pages were keyed by polyfolio's own code only: a new
    Markdown engine or template engine kept every unchanged page as the old one made it."""
    module = pytest.importorskip(library)
    installed = tmp_path / "installed.py"  # stands for the library's main file
    installed.write_text("version = 1\n", "utf-8")
    monkeypatch.setattr(module.__spec__, "origin", str(installed))
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    installed.unlink()
    installed.write_text("version = 2\n", "utf-8")  # what pip does: a new file
    _forget_last_build(root)
    assert build_site(root, out).groups_rendered == 2


def _forget_last_build(root: Path) -> None:
    for record in (root / CACHE_DIR).glob("build-*.marshal"):
        record.unlink()
