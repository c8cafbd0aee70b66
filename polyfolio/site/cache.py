"""The page cache: what each item group produced last time, keyed by a hash of its inputs.

A group is one ``page_id`` in every language.  Its key hashes everything its pages are made of
(theme and code version, site settings, the bytes of its files, its images, which languages it
exists in), so a hit means the pages would come out byte-identical: the build then keeps the
files already in the output folder and repeats the group's warnings without rendering anything.
Stored with :mod:`marshal` next to the front matter cache; a bad or foreign file is ignored.
"""

from __future__ import annotations

import contextlib
import marshal
import shutil
import sys
from pathlib import Path

from msgspec import Struct, field

from polyfolio.content.cache import FLAT_MARSHAL
from polyfolio.diagnostics import Diagnostic, Level, Location
from polyfolio.site.output import write_derived

_FORMAT = f"pages-v2-py{sys.version_info.major}.{sys.version_info.minor}"
FILE = "pages.marshal"
# Caches earlier versions kept under .polyfolio/cache/ and this one no longer reads: rendered
# bodies (13 MB at 4,000 items), removed so they do not linger in every site.
RETIRED = ("bodies",)

DiagnosticTuple = tuple[str, int, int, str, str]


class GroupEntry(Struct, frozen=True):
    key: str
    files: dict[str, str]  # output path → content key
    diagnostics: tuple[DiagnosticTuple, ...]
    # What the one-item rebuild needs to leave the group alone (polyfolio.site.incremental):
    sources: tuple[str, ...] = ()  # collection files (rels) of its group: SitePlan.files
    images: tuple[str, ...] = ()  # image files (site rels) its items show
    cards: dict[str, str] = field(default_factory=dict)  # language → its home card's digest

    def problems(self) -> list[Diagnostic]:
        return as_diagnostics(self.diagnostics)


def as_diagnostics(tuples: tuple[DiagnosticTuple, ...]) -> list[Diagnostic]:
    return [
        Diagnostic(Location(path, line, col), Level(level), message)
        for path, line, col, level, message in tuples
    ]


def as_tuples(diagnostics: list[Diagnostic]) -> tuple[DiagnosticTuple, ...]:
    return tuple(
        (d.location.path, d.location.line, d.location.col, d.level.value, d.message)
        for d in diagnostics
    )


class PageCache(Struct):
    path: Path
    entries: dict[str, GroupEntry] = field(default_factory=dict)
    fresh: dict[str, GroupEntry] = field(default_factory=dict)
    # The build that saved the entries (its freshness record's ``taken``) and its context key:
    # the one-item rebuild trusts entries only when both are the last recorded build's.
    build: int = 0
    context: str = ""

    @classmethod
    def open(cls, cache_dir: Path) -> PageCache:
        cache = cls(cache_dir / FILE)
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
            payload = marshal.loads(cache.path.read_bytes())
            if payload["format"] == _FORMAT:
                cache.entries = {
                    page_id: GroupEntry(key, files, tuple(map(tuple, diags)), *facts)
                    for page_id, (key, files, diags, *facts) in payload["groups"].items()
                }
                cache.build, cache.context = payload["build"], payload["context"]
        return cache

    def hit(self, page_id: str, key: str) -> GroupEntry | None:
        entry = self.entries.get(page_id)
        return entry if entry is not None and entry.key == key else None

    def keep(self, page_id: str, entry: GroupEntry) -> None:
        self.fresh[page_id] = entry

    def save(self, build: int = 0, context: str = "") -> None:
        """Write this build's entries (dropping groups that no longer exist), if anything
        changed; ``build`` and ``context``: see :attr:`build`."""
        if self.fresh == self.entries and (build, context) == (self.build, self.context):
            return
        groups = {
            page_id: (
                entry.key,
                entry.files,
                list(entry.diagnostics),
                entry.sources,
                entry.images,
                entry.cards,
            )
            for page_id, entry in sorted(self.fresh.items())
        }
        payload = {"format": _FORMAT, "groups": groups, "build": build, "context": context}
        with contextlib.suppress(OSError):
            write_derived(self.path, marshal.dumps(payload, FLAT_MARSHAL))


def remove_retired(cache_dir: Path) -> None:
    """Delete the caches of earlier versions (best effort: a cache only costs disk space)."""
    for name in RETIRED:
        folder = cache_dir / name
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
