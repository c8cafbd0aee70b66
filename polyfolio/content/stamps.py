"""File stamps: which files are unchanged since they were last read, without reading them.

A stamp is a file's (size, mtime, inode, ctime), as git keeps in its index: an edit changes the
ctime even when a tool sets the mtime back, and a replaced file has a new inode.  A stamp only
vouches for the bytes read with it when the file's ctime is *settled*: older, by more than the
file system's timestamp granularity, than the moment the stamps were taken.  A file written in
the same clock tick as it was read could change again without changing its stamp ("racy" in
git's words), so such entries are read again next time, then settle.

:class:`StampStore` keeps ``rel → (stamp, md5)`` for the collection under
``<site>/.polyfolio/cache/`` (marshal; missing, corrupt or foreign: ignored).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import time
from pathlib import Path

from msgspec import Struct, field

from polyfolio.content.cache import FLAT_MARSHAL

Stamp = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns
Entry = tuple[Stamp, str]  # stamp, md5 of the bytes read with it

# Timestamps are taken from the kernel's coarse clock (a few ms behind) and some file systems
# keep whole or even two seconds: a file is settled when its ctime is this much older than the
# moment the stamps were taken.  Only recently written files are affected (read once more).
RACY_NS = 2_000_000_000
STAMP_FILE = "stamps.marshal"
_FORMAT = f"stamps-v1-py{sys.version_info.major}.{sys.version_info.minor}"


def stamp_of(stat: os.stat_result) -> Stamp:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


def settled(stamp: Stamp, taken_ns: int) -> bool:
    """Whether any later change to the file must show in its stamp (see the module doc)."""
    return stamp[3] < taken_ns - RACY_NS


def now_ns() -> int:
    """The moment stamps are taken: read before the first file is looked at."""
    return time.time_ns()


class StampStore(Struct):
    path: Path
    taken_ns: int = 0  # when the stored stamps were taken
    entries: dict[str, Entry] = field(default_factory=dict)
    fresh: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, cache_dir: Path) -> StampStore:
        store = cls(cache_dir / STAMP_FILE)
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
            payload = marshal.loads(store.path.read_bytes())
            if payload["format"] == _FORMAT and isinstance(payload["entries"], dict):
                store.taken_ns = int(payload["taken"])
                store.entries = payload["entries"]
        return store

    def md5(self, rel: str, stamp: Stamp) -> str | None:
        """The md5 recorded for ``rel`` when its stamp is unchanged and settled, else None."""
        try:
            known, md5 = self.entries[rel]
            if tuple(known) != stamp or not settled(stamp, self.taken_ns) or type(md5) is not str:
                return None
        except (KeyError, TypeError, ValueError):  # unknown, or a damaged entry
            return None
        self.fresh[rel] = (stamp, md5)
        return md5

    def put(self, rel: str, stamp: Stamp, md5: str) -> None:
        self.fresh[rel] = (stamp, md5)
        self.dirty = True

    def save(self, taken_ns: int) -> None:
        """Keep this run's entries (files gone are dropped), stamped as taken at ``taken_ns``,
        if anything was read or dropped."""
        if not self.dirty and len(self.fresh) == len(self.entries):
            return
        from polyfolio.atomicfile import write_bytes_atomic  # (tempfile) not when unchanged

        payload = marshal.dumps(
            {"format": _FORMAT, "taken": taken_ns, "entries": self.fresh}, FLAT_MARSHAL
        )
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(self.path, payload, durable=False)
