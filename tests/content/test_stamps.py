"""File stamps: an unchanged file is not read again, and no change is ever missed."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

from polyfolio.content import listing as listing_module
from polyfolio.content import site as site_module
from polyfolio.content.cache import CACHE_DIR
from polyfolio.content.listing import Listing, list_collection
from polyfolio.content.site import Site, load_site
from polyfolio.content.stamps import RACY_NS, STAMP_FILE, Stamp, settled
from polyfolio.diagnostics import ContentError
from tests.shared_data import write_site

A = "---\ntitle: Alpha\n---\nBody A\n"
B = "---\ntitle: Beta\n---\nBody B\n"
SAME_SIZE_EDIT = "---\ntitle: Alphx\n---\nBody X\n"


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loads happen well after the files were written, so their stamps are settled."""
    monkeypatch.setattr(listing_module, "now_ns", lambda: time.time_ns() + 10 * RACY_NS)


def _site(tmp_path: Path) -> Path:
    return write_site(tmp_path, {"_portfolio/a.md": A, "_portfolio/b.md": B})


def _titles(site: Site) -> dict[str, str]:
    return {item.rel: item.data["title"] for item in site.items}


def _same_tick(stat: os.stat_result) -> Stamp:
    """A stamp as if an edit fell in the clock tick of the previous write: inode and ctime
    unchanged (ctime stands at the mtime, which the edit puts back)."""
    return (stat.st_size, stat.st_mtime_ns, 0, stat.st_mtime_ns)


def _keep_mtime(path: Path, text: str) -> None:
    """Rewrite a file with bytes of the same size and put its mtime back."""
    before = path.stat()
    path.write_text(text, "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def test_unchanged_files_are_not_read_and_their_bytes_come_on_demand(
    tmp_path: Path, later: None
) -> None:
    root = _site(tmp_path)
    first = load_site(root)
    assert all(item.loaded is not None for item in first.items)
    again = load_site(root)
    assert [item.loaded for item in again.items] == [None, None]
    assert _titles(again) == _titles(first)
    assert [item.raw for item in again.items] == [A.encode(), B.encode()]
    assert again.items[0].document.body == "Body A\n"


def test_a_file_changed_after_loading_is_an_error_not_a_mix(tmp_path: Path, later: None) -> None:
    root = _site(tmp_path)
    load_site(root)
    item = load_site(root).items[0]
    (root / "_portfolio/a.md").write_text(SAME_SIZE_EDIT, "utf-8")
    with pytest.raises(ContentError, match="changed while being read"):
        _ = item.raw


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path, later: None) -> None:
    root = _site(tmp_path)
    load_site(root)
    _keep_mtime(root / "_portfolio/a.md", SAME_SIZE_EDIT)
    assert _titles(load_site(root))["_portfolio/a.md"] == "Alphx"


@pytest.mark.parametrize(("racy", "seen"), [(True, True), (False, False)])
def test_a_racy_edit_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, racy: bool, seen: bool
) -> None:
    """An edit in the same clock tick as the read changes nothing in the stat: only the racy
    rule catches it.  The control case (loads long after the writes) shows that the edit is
    then invisible to the stamps alone, so the first case passes because of the rule."""
    monkeypatch.setattr(site_module, "stamp_of", _same_tick)  # as a file is read
    monkeypatch.setattr(listing_module, "stamp_of", _same_tick)  # as it is listed
    if not racy:
        monkeypatch.setattr(listing_module, "now_ns", lambda: time.time_ns() + 10 * RACY_NS)
    root = _site(tmp_path)
    load_site(root)
    load_site(root)
    _keep_mtime(root / "_portfolio/a.md", SAME_SIZE_EDIT)
    assert (_titles(load_site(root))["_portfolio/a.md"] == "Alphx") is seen


def test_settled_means_older_than_the_racy_window() -> None:
    taken = 100 * RACY_NS
    assert settled((1, 0, 1, taken - RACY_NS - 1), taken)
    assert not settled((1, 0, 1, taken - RACY_NS), taken)
    assert not settled((1, 0, 1, taken), taken)


def test_deleted_added_and_renamed_files_are_seen(tmp_path: Path, later: None) -> None:
    root = _site(tmp_path)
    load_site(root)
    (root / "_portfolio/a.md").rename(root / "_portfolio/c.md")
    (root / "_portfolio/b.md").unlink()
    write_site(root, {"_portfolio/d.md": B})
    site = load_site(root)
    assert _titles(site) == {"_portfolio/c.md": "Alpha", "_portfolio/d.md": "Beta"}
    assert sorted(site.stamps) == ["_portfolio/c.md", "_portfolio/d.md"]


@pytest.mark.parametrize("garbage", [b"", b"\x00not marshal", b"\xfb"])
def test_a_corrupt_stamp_file_is_ignored(tmp_path: Path, later: None, garbage: bytes) -> None:
    root = _site(tmp_path)
    load_site(root)
    (root / CACHE_DIR / STAMP_FILE).write_bytes(garbage)
    site = load_site(root)
    assert _titles(site) == {"_portfolio/a.md": "Alpha", "_portfolio/b.md": "Beta"}
    assert all(item.loaded is not None for item in site.items)


def test_damaged_entries_are_ignored(tmp_path: Path, later: None) -> None:
    root = _site(tmp_path)
    load_site(root)
    path = root / CACHE_DIR / STAMP_FILE
    payload = marshal.loads(path.read_bytes())
    payload["entries"] = {"_portfolio/a.md": 5, "_portfolio/b.md": ((1, 2), None, 3)}
    path.write_bytes(marshal.dumps(payload))
    site = load_site(root)
    assert _titles(site) == {"_portfolio/a.md": "Alpha", "_portfolio/b.md": "Beta"}


def test_a_listing_from_the_caller_is_used_only_for_the_configured_folder(tmp_path: Path) -> None:
    root = _site(tmp_path)
    listing = list_collection(str(root), "_portfolio")
    (root / "_portfolio/b.md").unlink()  # after the caller listed it: reading it fails
    site = load_site(root, listing)
    assert _titles(site) == {"_portfolio/a.md": "Alpha"}
    assert [d.message.split(":")[0] for d in site.problems] == ["cannot read"]
    other = Listing("_elsewhere", listing.taken_ns, {}, [])
    assert _titles(load_site(root, other)) == {"_portfolio/a.md": "Alpha"}
