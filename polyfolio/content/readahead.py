"""Reading and parsing many new or changed items in a process per core.

A first build of a 4,000-item site spends ~0.5 s reading files, hashing them and parsing their
front matter, one after the other, while the second core waits.  When many files need it,
forked children share them with this process, batch by batch, and send back what they found
(the bytes too: the build needs them again for the bodies, and passing 12 MB through a pipe
costs less than reading them twice).
Only what is certain is sent: a file that fails to read or parse is left to the ordinary path,
which reports it at its line and column.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from msgspec import Struct

from polyfolio.content.document import md5_hex
from polyfolio.content.stamps import Stamp, stamp_of
from polyfolio.diagnostics import ContentError
from polyfolio.processes import MAX_BATCHES, can_fork, run_shared

# Below this many files to read, forking costs more (~20 ms) than it saves.
PARALLEL_THRESHOLD = 400
BATCH_FILES = 100  # files a process takes at a time (at least): ~6 ms of work

Parse = Callable[[str, bytes], tuple[dict[str, Any], bool]]
Found = tuple[Stamp, bytes, str, tuple[dict[str, Any], bool] | None]


class ReadAhead(Struct, frozen=True):
    """One file read (with the stamp taken before reading it) and, when it parsed, its front
    matter and whether parsing reported problems."""

    stamp: Stamp
    raw: bytes
    md5: str
    parsed: tuple[dict[str, Any], bool] | None


def read_ahead(
    root: str, rels: Sequence[str], parse: Parse, meanwhile: Callable[[], object] | None = None
) -> dict[str, ReadAhead]:
    """``rel`` → what reading and parsing it gave, for each file that could be read; in a
    process per core when there are many, each taking batches of files as it is free
    (``meanwhile``: done here first, while the others start reading)."""
    if len(rels) < PARALLEL_THRESHOLD or not can_fork():
        return {}
    size = max(BATCH_FILES, -(-len(rels) // MAX_BATCHES))
    batches = [rels[start : start + size] for start in range(0, len(rels), size)]
    results = run_shared(
        lambda taken: _read_batches(root, taken, parse),
        batches,
        marshal.dumps,
        marshal.loads,
        meanwhile,
    )
    return {rel: ReadAhead(*found) for result in results for rel, found in result.items()}


def _read_batches(root: str, batches: Iterator[Sequence[str]], parse: Parse) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for rels in batches:
        found.update(_read_chunk(root, rels, parse))
    return found


def _read_chunk(root: str, rels: Sequence[str], parse: Parse) -> dict[str, Found]:
    """``rel`` → the fields of its :class:`ReadAhead`, as plain data (marshal sends it)."""
    found: dict[str, Found] = {}
    for rel in rels:
        try:
            # Unbuffered: a buffered reader asks whether each file is a terminal (an ioctl).
            with open(f"{root}/{rel}", "rb", buffering=0) as handle:
                stamp = stamp_of(os.fstat(handle.fileno()))
                raw = handle.read()
        except OSError:
            continue
        try:
            parsed: tuple[dict[str, Any], bool] | None = parse(rel, raw)
        except ContentError:
            parsed = None
        found[rel] = (stamp, raw, md5_hex(raw), parsed)
    return found
