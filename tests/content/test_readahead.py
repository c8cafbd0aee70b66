"""Reading many items in two processes gives exactly what reading them one by one gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio.content import readahead
from polyfolio.content.document import md5_hex
from polyfolio.content.site import Site, _parse_front_matter, load_site
from polyfolio.processes import can_fork
from tests.readahead_spy import count_read_aheads

ITEMS = 600  # files, above the threshold

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate_site(tmp_path_factory.mktemp("readahead") / "site", ITEMS, translated=True)
    broken = root / "_portfolio"
    (broken / "no-front-matter.md").write_text("Just text.\n", "utf-8")
    (broken / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\nBody\n", "utf-8")
    (broken / "duplicate.md").write_text("---\ntitle: a\ntitle: b\n---\nBody\n", "utf-8")
    (broken / "folder.md").mkdir()
    return root


def test_read_ahead_matches_reading_one_by_one(site_root: Path) -> None:
    rels = sorted(p.relative_to(site_root).as_posix() for p in site_root.glob("_portfolio/*.md"))
    found = readahead.read_ahead(str(site_root), rels, _parse_front_matter)
    assert "_portfolio/folder.md" not in found  # unreadable: left to the ordinary path
    assert found.keys() == set(rels) - {"_portfolio/folder.md"}
    for rel, ahead in found.items():
        raw = (site_root / rel).read_bytes()
        assert ahead.raw == raw and ahead.md5 == md5_hex(raw)
        if rel in ("_portfolio/no-front-matter.md", "_portfolio/bad-yaml.md"):
            assert ahead.parsed is None
        else:
            assert ahead.parsed == _parse_front_matter(rel, raw)
    assert found["_portfolio/duplicate.md"].parsed == ({"title": "b"}, True)


def test_few_files_are_left_to_the_ordinary_path(site_root: Path) -> None:
    rels = ["_portfolio/item-00000.md"]
    assert readahead.read_ahead(str(site_root), rels, _parse_front_matter) == {}


def test_loading_with_and_without_read_ahead_is_identical(
    site_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    returned = count_read_aheads(monkeypatch)
    parallel = load_site(_fresh_copy(site_root, tmp_path / "a"))
    assert returned == [ITEMS + 3]  # every readable file, parsed or not, came from read-ahead
    monkeypatch.setattr(readahead, "PARALLEL_THRESHOLD", 10**9)
    serial = load_site(_fresh_copy(site_root, tmp_path / "b"))
    assert _summary(parallel) == _summary(serial)
    assert len(parallel.items) == ITEMS + 1  # the duplicate-key file is an item too


def _fresh_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".polyfolio"), symlinks=True)
    return target


def _summary(site: Site) -> tuple[object, ...]:
    items = [
        (item.rel, item.page_id, item.lang, item.md5, item.data, item.raw) for item in site.items
    ]
    return (items, [str(problem) for problem in site.problems])


def test_loading_does_the_callers_work_while_waiting_for_the_child(
    site_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    load_site(_fresh_copy(site_root, tmp_path / "a"), meanwhile=lambda: calls.append("two"))
    assert calls == ["two"]
    monkeypatch.setattr(readahead, "PARALLEL_THRESHOLD", 10**9)
    load_site(_fresh_copy(site_root, tmp_path / "b"), meanwhile=lambda: calls.append("one"))
    assert calls == ["two"]  # one process: no waiting, nothing done meanwhile
