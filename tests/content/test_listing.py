"""The collection listing: which files are items, and the fast suffix test it uses."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from polyfolio.content.listing import _suffix, collection_files
from tests.shared_data import write_site


@given(st.text(alphabet=st.sampled_from(".aMdX-"), max_size=8))
def test_suffix_is_splitext_lowered(name: str) -> None:
    assert _suffix(name) == os.path.splitext(name)[1].lower()


def test_markdown_files_with_their_stats_sorted(tmp_path: Path) -> None:
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
    assert [stat.st_size if stat else None for stat in files.values()] == [1, 2]
    assert outside == []
