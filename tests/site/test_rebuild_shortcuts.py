"""Adversarial cases for the shortcuts a rebuild takes on trust (file stamps, the no-change
path, the read-ahead): each builds a site, changes something a shortcut could miss, builds
again and compares with a cold build of the same files."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

import polyfolio
from polyfolio.content import listing, readahead, stamps
from polyfolio.content import site as content_site
from polyfolio.content.cache import CACHE_DIR
from polyfolio.content.listing import Listing
from polyfolio.content.stamps import RACY_NS, Stamp
from polyfolio.processes import can_fork
from polyfolio.site import freshness, images, produce
from polyfolio.site.build import build_site
from polyfolio.site.produce import RENDERING_LIBRARIES
from polyfolio.site.result import BuildResult
from tests.readahead_spy import count_read_aheads
from tests.site import sites
from tests.site.test_rebuild import cold_build, tree

Edit = Callable[[Path], None]


def _rebuild(
    tmp_path: Path,
    edit: Edit,
    extra: dict[str, str | bytes] | None = None,
    prepare: Edit | None = None,
) -> BuildResult:
    """Build, edit, build again: the second build's output must be a cold build's."""
    root, out = sites.make_site(tmp_path / "site", extra), tmp_path / "out"
    if prepare is not None:
        prepare(root)
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


IMAGE = "assets/img/beta.png"
EXTRA: dict[str, str | bytes] = {
    "assets/docs/prices.txt": "old\n",
    "_polyfolio/static/polyfolio.css": "body { color: tan; }\n",
    IMAGE: _png((10, 10, 200)),
    "_portfolio/beta.md": sites.BETA_EN.replace("https://cdn.example/beta.jpg", IMAGE),
}


def _same_size(rel: str, old: bytes, new: bytes) -> Edit:
    def edit(root: Path) -> None:
        _rewrite_keeping_stat(root / rel, (root / rel).read_bytes().replace(old, new))

    return edit


SAME_SIZE_EDITS: dict[str, Edit] = {
    "an item": _same_size("_portfolio/alpha.md", b"Someone", b"Sameone"),
    "the config": _same_size("_config.yml", b"Mini Clinic", b"Mini Clinix"),
    "the sitetext": _same_size("_data/sitetext.yml", b"Pick one.", b"Pick two."),
    "an asset": _same_size("assets/docs/prices.txt", b"old", b"new"),
    "a theme override": _same_size("_polyfolio/static/polyfolio.css", b"tan", b"red"),
    "an image": lambda root: _rewrite_keeping_stat(root / IMAGE, _png((200, 10, 10))),
}


def _same_tick(stat: os.stat_result) -> Stamp:
    """A stamp as if every edit fell in the clock tick of the last write (see test_stamps)."""
    return (stat.st_size, stat.st_mtime_ns, 0, stat.st_mtime_ns)


@pytest.fixture(params=["recent", "same tick", "settled"])
def window(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """recent: builds right after the writes, as in a dev loop; same tick: as if the edit fell
    in the clock tick of the build's read (nothing in the stat changes, only content hashes
    can see it); settled: builds long after the writes (only inode and ctime can)."""
    if request.param == "settled":
        later = SimpleNamespace(time_ns=lambda: time.time_ns() + 10 * RACY_NS)
        monkeypatch.setattr(stamps, "time", later)
    elif request.param == "same tick":
        for module in (freshness, content_site, listing, produce, images):
            monkeypatch.setattr(module, "stamp_of", _same_tick)
    return str(request.param)


@pytest.mark.parametrize("name", sorted(SAME_SIZE_EDITS))
def test_a_rewrite_keeping_size_and_mtime_is_seen(tmp_path: Path, window: str, name: str) -> None:
    """Asset copies and image digests were known unchanged by size and mtime alone."""
    warm = _rebuild(tmp_path, SAME_SIZE_EDITS[name], EXTRA)
    assert not warm.reused_whole


def _rename(old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        os.rename(root / old, root / new)

    return edit


def _swap(one: str, other: str) -> Edit:
    """Two files exchange names (and so contents): each name keeps a size it had."""

    def edit(root: Path) -> None:
        os.rename(root / one, root / "swap.tmp")
        os.rename(root / other, root / one)
        os.rename(root / "swap.tmp", root / other)

    return edit


def _link(rel: str, target: str) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).unlink(missing_ok=True)
        (root / rel).symlink_to(target)

    return edit


ELSEWHERE = {
    "drafts/one.md": sites.BETA_EN.replace("beta", "one"),
    "drafts/two.md": sites.BETA_EN.replace("beta", "two"),
}
MOVES: dict[str, tuple[Edit, Edit | None]] = {
    "an item moved into a language folder": (
        _rename("_portfolio/beta.md", "_portfolio/gr/beta.md"),
        None,
    ),
    "a language folder renamed": (_rename("_portfolio/gr", "_portfolio/el"), None),
    "two items swapped by renames": (_swap("_portfolio/alpha.md", "_portfolio/gr/alpha.md"), None),
    "an item made a symlink to another": (_link("_portfolio/beta.md", "alpha.md"), None),
    "a symlinked item pointed elsewhere": (
        _link("_portfolio/linked.md", "../drafts/two.md"),
        _link("_portfolio/linked.md", "../drafts/one.md"),
    ),
}


@pytest.mark.parametrize("name", sorted(MOVES))
def test_files_moved_swapped_or_linked(tmp_path: Path, name: str) -> None:
    edit, prepare = MOVES[name]
    assert not _rebuild(tmp_path, edit, ELSEWHERE, prepare).reused_whole


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
    return count_read_aheads(monkeypatch)


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

    def edit_after_listing(root: str, folder: str, stats: bool = True) -> Listing:
        found = list_collection(root, folder, stats)
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


def test_image_variants_are_not_copied_again_once_their_stamps_settle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Variants are named by their content: a stamp too recent to vouch for a file costs a
    copy of a site's asset when it settles, but must not cost a copy of every variant."""
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    variants = sorted((out / "assets" / "polyfolio" / "img").iterdir())
    before = [path.stat().st_ino for path in variants]
    later = SimpleNamespace(time_ns=lambda: time.time_ns() + 10 * RACY_NS)
    monkeypatch.setattr(stamps, "time", later)
    _forget_last_build(root)
    build_site(root, out)
    assert [path.stat().st_ino for path in variants] == before
