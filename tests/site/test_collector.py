"""The cyclic garbage collector during a build (:mod:`polyfolio.collector`): no collection while
the command imports or the site loads (they make only objects that live on, and scanning them
was ~9 ms of a one-item rebuild), what existed before the build not scanned during it, and the
collector left as the build found it."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio.content import site as content_site
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


def test_objects_made_before_a_build_are_not_scanned_during_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = generate_site(tmp_path / "site", 20)
    frozen_while_loading: list[int] = []
    real_load = content_site.load_site

    def load_site(*args: object, **kwargs: object) -> object:
        frozen_while_loading.append(gc.get_freeze_count())
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("polyfolio.site.build.load_site", load_site)
    before = len(gc.get_objects())
    assert build_site(site, tmp_path / "out").ok
    assert len(frozen_while_loading) == 1
    assert frozen_while_loading[0] >= before
    assert gc.get_freeze_count() == 0


# Runs ``python -m polyfolio build`` and reports each collection: its generation and whether a
# module was being imported.
_COUNTING = """
import gc, os, runpy, sys, traceback
seen = []

def noted(phase, info):
    if phase == "start":
        importing = any(f.name == "_find_and_load" for f in traceback.extract_stack())
        seen.append(f"generation {info['generation']}" + (" importing" if importing else ""))

gc.callbacks.append(noted)
exit_now = os._exit
os._exit = lambda code: (print(seen, file=sys.stderr), exit_now(code))
sys.argv = ["polyfolio", "build", *sys.argv[1:]]
runpy.run_module("polyfolio", run_name="__main__")
"""


def _collections(site: Path, out: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _COUNTING, str(site), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[str] = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    return found


def test_the_build_command_imports_without_collecting(tmp_path: Path) -> None:
    site = generate_site(tmp_path / "site", 40)
    out = tmp_path / "out"
    # Every import of a first build, then of an unchanged rebuild (whose work is all imports
    # and stats): none collected while importing, the second not at all.
    assert [c for c in _collections(site, out) if c.endswith("importing")] == []
    assert _collections(site, out) == []
