"""Walking a folder of the site's inputs, symlinks followed where the build follows them."""

from __future__ import annotations

import os
from collections.abc import Iterator


def tree(top: str, skip: frozenset[str] = frozenset(), follow: bool = False) -> Iterator[str]:
    """``top`` itself (a file, a folder or absent) and every file under it, sorted, but in the
    folders named in ``skip``; ``follow``: into symlinked folders too, each real folder once
    (a link loop ends)."""
    yield top
    seen: set[str] = set()
    for folder, dirs, files in os.walk(top, followlinks=follow):
        if follow and _seen_before(folder, seen):
            dirs.clear()
            continue
        dirs[:] = sorted(d for d in dirs if d not in skip)
        yield from (os.path.join(folder, name) for name in sorted(files))


def _seen_before(folder: str, seen: set[str]) -> bool:
    real = os.path.realpath(folder)
    if real in seen:
        return True
    seen.add(real)
    return False
