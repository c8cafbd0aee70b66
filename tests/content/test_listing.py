"""The collection listing: which files are items, and the fast suffix test it uses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polyfolio.content import site as content_site
from polyfolio.content.listing import Listing, _suffix, collection_files
from polyfolio.content.stamps import stamp_of
from tests.shared_data import write_site


@given(st.text(alphabet=st.sampled_from(".aMdX-"), max_size=8))
def test_suffix_is_splitext_lowered(name: str) -> None:
    assert _suffix(name) == os.path.splitext(name)[1].lower()


def test_markdown_files_with_their_stamps_sorted(tmp_path: Path) -> None:
    root = write_site(
        tmp_path,
        {
            "_portfolio/b.MD": "x",
            "_portfolio/gr/a.md": "xy",
            "_portfolio/.md": "not an item",
            "_portfolio/notes.txt": "not an item",
        },
    )
    (root / "_portfolio" / "link.md").symlink_to(tmp_path.parent)  # a folder: skipped
    files, outside = collection_files(str(root), "_portfolio")
    assert list(files) == ["_portfolio/b.MD", "_portfolio/gr/a.md"]
    assert [stamp[0] if stamp else None for stamp in files.values()] == [1, 2]  # sizes
    assert outside == []


def test_without_stats_the_same_files_and_no_fifo(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"_portfolio/b.md": "x", "_portfolio/gr/a.md": "xy"})
    os.mkfifo(root / "_portfolio" / "pipe.md")  # reading it would wait for a writer forever
    (root / "_portfolio" / "folder.md").mkdir()
    (root / "_portfolio" / "gr" / "link.md").symlink_to(root / "_portfolio" / "b.md")
    with_stats, _ = collection_files(str(root), "_portfolio")
    without, outside = collection_files(str(root), "_portfolio", stats=False)
    assert (
        list(without)
        == list(with_stats)
        == [
            "_portfolio/b.md",
            "_portfolio/gr/a.md",
            "_portfolio/gr/link.md",
        ]
    )
    assert set(without.values()) == {None}
    assert outside == []


def test_a_dangling_symlink_is_listed_and_reported_on_a_first_load_too(tmp_path: Path) -> None:
    """Found by review: without stats, ``is_file`` left a symlink to nothing out silently, so a
    first build passed and the next, with nothing changed, reported it."""
    root = write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: A\n---\nA\n"})
    (root / "_portfolio" / "dead.md").symlink_to(root / "_portfolio" / "missing.md")
    with_stats, _ = collection_files(str(root), "_portfolio")
    without, _ = collection_files(str(root), "_portfolio", stats=False)
    assert list(without) == list(with_stats) == ["_portfolio/a.md", "_portfolio/dead.md"]
    first = [str(d) for d in content_site.load_site(root).problems]
    assert first == [str(d) for d in content_site.load_site(root).problems]
    assert [d for d in first if "dead.md" in d] == [
        "_portfolio/dead.md:1:1: error: cannot read: No such file or directory"
    ]


def test_a_symlink_loop_is_reported_not_a_crash(tmp_path: Path) -> None:
    """Found by review: listing followed the loop and raised ELOOP (an internal error)."""
    root = write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: A\n---\nA\n"})
    (root / "_portfolio" / "loop.md").symlink_to("loop.md")
    (root / "_portfolio" / "loops").symlink_to("loops")
    for _ in range(2):  # a first load (no stamps, no stats) and a later one
        problems = [str(d) for d in content_site.load_site(root).problems]
        assert problems == [
            "_portfolio/loop.md:1:1: error: cannot read: Too many levels of symbolic links"
        ]


def test_a_first_load_stats_each_file_once_as_it_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without stamps to vouch for files, the listing takes no stat (every file is read and
    stat-ed then); the stamps kept are still every file's own."""
    root = write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: A\n---\nA\n"})
    asked: list[bool] = []
    real = content_site.list_collection

    def listing(root: str, folder: str, stats: bool = True) -> Listing:
        asked.append(stats)
        return real(root, folder, stats)

    monkeypatch.setattr(content_site, "list_collection", listing)
    first = content_site.load_site(root)
    path = root / "_portfolio" / "a.md"
    assert first.stamps["_portfolio/a.md"][0] == stamp_of(path.stat())
    content_site.load_site(root)
    assert asked == [False, True]
