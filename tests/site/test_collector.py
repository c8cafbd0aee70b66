"""The cyclic garbage collector during a build: no collection while the site loads (it makes
only objects that live as long as the build, and scanning them was ~7 ms of a one-item
rebuild), and the collector left as the build found it."""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio.site.build import build_site


@pytest.fixture
def collections_while_loading() -> Iterator[list[str]]:
    """The collections started while ``load_site`` was running."""
    seen: list[str] = []

    def noted(phase: str, info: dict[str, int]) -> None:
        stack = [frame.name for frame in traceback.extract_stack()]
        if phase == "start" and "load_site" in stack:
            seen.append(f"generation {info['generation']}")

    gc.callbacks.append(noted)
    try:
        yield seen
    finally:
        gc.callbacks.remove(noted)


def test_no_collection_while_a_site_of_thousands_of_items_loads(
    tmp_path: Path, collections_while_loading: list[str]
) -> None:
    site = generate_site(tmp_path / "site", 2000)
    assert build_site(site, tmp_path / "out").ok
    edited = site / "_portfolio" / "item-00001.md"
    edited.write_bytes(edited.read_bytes() + b"\nOne more line.\n")
    collections_while_loading.clear()
    thresholds = gc.get_threshold()
    # A one-item rebuild loads every item from the caches: tens of thousands of objects.
    assert build_site(site, tmp_path / "out").narrowed
    assert collections_while_loading == []
    assert gc.isenabled()
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0  # nothing the build froze is left out of collections


def test_a_collector_switched_off_stays_off(tmp_path: Path) -> None:
    site = generate_site(tmp_path / "site", 4)
    gc.disable()
    try:
        assert build_site(site, tmp_path / "out").ok
        assert not gc.isenabled()
    finally:
        gc.enable()
