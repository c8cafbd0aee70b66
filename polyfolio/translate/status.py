"""Where every translation stands: current, stale, missing or orphan.

A target is current when its ``source_hash`` equals the MD5 hex of its source file's bytes — the
same check anyone can do with ``md5sum``.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from msgspec import Struct, structs

from polyfolio.content.site import Item, Site


class State(StrEnum):
    CURRENT = "current"
    STALE = "stale"
    MISSING = "missing"
    ORPHAN = "orphan"


class Entry(Struct, frozen=True):
    page_id: str
    lang: str
    state: State
    source: Item | None
    target: Item | None
    # for a stale entry: source segments changed since the translation was made (None: unknown)
    changed_segments: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "page_id": self.page_id,
            "lang": self.lang,
            "state": str(self.state),
            "source": self.source.rel if self.source else None,
            "target": self.target.rel if self.target else None,
            "source_hash": self.source.md5 if self.source else None,
            "target_source_hash": self.target.source_hash if self.target else None,
            "changed_segments": 0 if self.state is State.CURRENT else self.changed_segments,
        }


def site_status(site: Site) -> list[Entry]:
    """One entry per (item, target language), plus one per orphaned target, in a stable order."""
    entries = list(_source_entries(site)) + list(_orphan_entries(site))
    return sorted(entries, key=lambda e: (e.page_id, e.lang))


def with_changed_counts(site: Site, entries: list[Entry]) -> list[Entry]:
    """``entries`` with ``changed_segments`` filled in for the stale ones.

    Only stale entries need the translation memory and the segmenter, so a site with none pays
    for neither (both are imported and opened here, lazily).
    """
    from polyfolio.translate.memory import memory_path

    if not any(e.state is State.STALE for e in entries) or not memory_path(site.root).is_file():
        return entries  # nothing to count, or no memory to count with: every count is unknown
    from polyfolio.translate.align import changed_segment_counts

    counts = changed_segment_counts(site, [e for e in entries if e.state is State.STALE])
    return [
        structs.replace(entry, changed_segments=counts.get((entry.page_id, entry.lang)))
        if entry.state is State.STALE
        else entry
        for entry in entries
    ]


def _source_entries(site: Site) -> Iterator[Entry]:
    for page_id, versions in site.groups.items():
        source = versions.get(site.source_lang)
        if source is None:
            continue
        for lang in site.target_languages:
            target = versions.get(lang)
            yield Entry(page_id, lang, _state(source, target), source, target)


def _orphan_entries(site: Site) -> Iterator[Entry]:
    for page_id, versions in site.groups.items():
        if site.source_lang in versions:
            continue
        for lang, target in versions.items():
            yield Entry(page_id, lang, State.ORPHAN, None, target)


def _state(source: Item, target: Item | None) -> State:
    if target is None:
        return State.MISSING
    return State.CURRENT if target.source_hash == source.md5 else State.STALE


def summary(entries: list[Entry]) -> dict[State, int]:
    counts = dict.fromkeys(State, 0)
    for entry in entries:
        counts[entry.state] += 1
    return counts
