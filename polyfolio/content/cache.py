"""A content-addressed cache of parsed front matter, so unchanged files are not parsed again.

Keyed by the MD5 of a file's bytes (which ``status`` computes anyway), so it can never serve a
stale parse: a changed file has a new key; and kept per polyfolio version, whose parser says
what the bytes mean.  Stored with :mod:`marshal` (plain dicts, lists and strings only) under
``<site>/.polyfolio/cache/front-matter/``, next to a ``.gitignore`` so it is never committed, in
shards by the key's first digit: an edit rewrites the one or two shards its old and new keys
fall in, not the whole cache (1.4 MB at 4,000 items).  A shard missing, corrupt or of another
version is silently rebuilt; each is written whole, so a crash between two writes leaves
nothing wrong, only entries to parse again.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from pathlib import Path
from typing import Any

from msgspec import Struct, field

import polyfolio

STATE_DIR = ".polyfolio"
CACHE_DIR = f"{STATE_DIR}/cache"
FOLDER = "front-matter"
SHARDS = "0123456789abcdef"  # an MD5's first hex digit names its shard
RETIRED_FILE = "front-matter.marshal"  # the single file of earlier versions
_FORMAT = "front-matter-v2-polyfolio-{}-py{}.{}"

# marshal's format 2 for the caches a build writes from the objects it holds (stamps, page
# cache, build record): format 4 keeps a table of every object held elsewhere too, so that it
# is written once, and a build's rel paths and keys all are: those dumps took twice as long
# (~15 against ~7 ms at 4,000 files), for files ~10% smaller that load no faster.  The shards
# of this cache and the read-ahead's answer load faster in format 4 (measured), and keep it.
FLAT_MARSHAL = 2

# (front matter data, whether parsing reported problems such as duplicate keys)
Entry = tuple[dict[str, Any], bool]


class FrontMatterCache(Struct):
    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)  # shards with new entries

    @classmethod
    def open(cls, root: Path) -> FrontMatterCache:
        cache = cls(root / CACHE_DIR / FOLDER)
        for shard in SHARDS:
            with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
                payload = marshal.loads(cache.shard_path(shard).read_bytes())
                if isinstance(payload, dict) and payload.get("format") == _format():
                    cache.entries.update(payload["entries"])
        return cache

    def shard_path(self, shard: str) -> Path:
        return self.folder / f"{shard}.marshal"

    def get(self, md5: str) -> Entry | None:
        entry = self.entries.get(md5)
        if entry is not None:
            self.used.add(md5)
        return entry

    def put(self, md5: str, data: dict[str, Any], has_problems: bool) -> None:
        self.entries[md5] = (data, has_problems)
        self.used.add(md5)
        self.changed.add(md5[:1])

    def save(self) -> None:
        """Write the shards whose entries changed, each with the entries used in this run
        (dropping the rest)."""
        dropped = {md5[:1] for md5 in self.entries.keys() - self.used}
        stale = sorted((self.changed | dropped) & set(SHARDS))
        if not stale:
            return
        from polyfolio.atomicfile import write_bytes_atomic  # (tempfile) not when unchanged

        kept: dict[str, dict[str, Entry]] = {shard: {} for shard in stale}
        for md5 in self.used:
            if md5[:1] in kept:
                kept[md5[:1]][md5] = self.entries[md5]
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder.parents[1] / ".gitignore"
            if not ignore.exists():
                write_bytes_atomic(ignore, b"# polyfolio's rebuildable caches\ncache/\n")
            (self.folder.parent / RETIRED_FILE).unlink(missing_ok=True)
            for shard, entries in kept.items():
                payload = marshal.dumps({"format": _format(), "entries": entries})
                write_bytes_atomic(self.shard_path(shard), payload, durable=False)


def _format() -> str:
    """The cache's format with the polyfolio and Python versions that write or read it."""
    return _FORMAT.format(polyfolio.__version__, *sys.version_info[:2])
