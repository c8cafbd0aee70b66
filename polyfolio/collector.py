"""When the cyclic garbage collector runs: not over objects that live until the work ends.

A command imports ~150 modules and a build loads thousands of items, all of which live until
the process (or the build) ends.  The collector would scan them again and again and free
nothing: ~40 collections, ~9 ms, of a one-item rebuild whose whole budget is ~0.3 s.  Rendering
does make cycles, so a build still collects, less often, over the young objects only.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Young objects between two collections while a build runs (CPython's default is 700).
BUILD_THRESHOLD = 20_000


@contextlib.contextmanager
def long_lived_objects() -> Iterator[None]:
    """Around a build: what exists when it starts (the modules imported) is frozen, so no
    collection during the build scans it, and young objects are collected less often (a worker
    left uncollected pays for its cycles in fresh pages).  Restored at the end, so a long-running
    dev server collects everything as usual."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], BUILD_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@contextlib.contextmanager
def uncollected() -> Iterator[None]:
    """No collection during the block, which makes only objects that live on: modules imported,
    a site loaded (which makes no cycles; a one-item rebuild's two collections there scanned all
    4,000 items, ~7 ms), and none in the children it forks to read files.  What it made is then
    frozen: no later collection scans it (nor counts it towards the next one), and forked
    workers keep the pages holding it shared."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
