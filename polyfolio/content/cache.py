"""A content-addressed cache of parsed front matter, so unchanged files are not parsed again.

Keyed by the MD5 of a file's bytes (which ``status`` computes anyway), so it can never serve a
stale parse: a changed file has a new key; and kept per polyfolio version, whose parser says
what the bytes mean.  Stored with :mod:`marshal` (plain dicts, lists and
strings only) under ``<site>/.polyfolio/cache/``, next to a ``.gitignore`` so it is never
committed.  A missing, corrupt or foreign-version cache is silently rebuilt.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polyfolio

STATE_DIR = ".polyfolio"
CACHE_DIR = f"{STATE_DIR}/cache"
_FORMAT = "front-matter-v1-polyfolio-{}-py{}.{}"

# (front matter data, whether parsing reported problems such as duplicate keys)
Entry = tuple[dict[str, Any], bool]


@dataclass(slots=True)
class FrontMatterCache:
    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    dirty: bool = False

    @classmethod
    def open(cls, root: Path) -> FrontMatterCache:
        path = root / CACHE_DIR / "front-matter.marshal"
        cache = cls(path)
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            payload = marshal.loads(path.read_bytes())
            if isinstance(payload, dict) and payload.get("format") == _format():
                cache.entries = payload["entries"]
        return cache

    def get(self, md5: str) -> Entry | None:
        entry = self.entries.get(md5)
        if entry is not None:
            self.used.add(md5)
        return entry

    def put(self, md5: str, data: dict[str, Any], has_problems: bool) -> None:
        self.entries[md5] = (data, has_problems)
        self.used.add(md5)
        self.dirty = True

    def save(self) -> None:
        """Write the entries used in this run (dropping the rest), if anything changed."""
        if not self.dirty and len(self.used) == len(self.entries):
            return
        from polyfolio.atomicfile import write_bytes_atomic  # (tempfile) not when unchanged

        kept = {md5: self.entries[md5] for md5 in self.used}
        payload = marshal.dumps({"format": _format(), "entries": kept})
        with contextlib.suppress(OSError):
            ignore = self.path.parents[1] / ".gitignore"
            if not ignore.exists():
                write_bytes_atomic(ignore, b"# polyfolio's rebuildable caches\ncache/\n")
            write_bytes_atomic(self.path, payload, durable=False)


def _format() -> str:
    """The cache's format with the polyfolio and Python versions that write or read it."""
    return _FORMAT.format(polyfolio.__version__, *sys.version_info[:2])
