"""Where every translation stands: current, stale, missing or orphan.

A target is current when its ``source_hash`` equals the MD5 hex of its source file's bytes — the
same check anyone can do with ``md5sum``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from polyfolio.content.site import Item, Site


class State(StrEnum):
    CURRENT = "current"
    STALE = "stale"
    MISSING = "missing"
    ORPHAN = "orphan"


@dataclass(frozen=True, slots=True)
class Entry:
    page_id: str
    lang: str
    state: State
    source: Item | None
    target: Item | None

    def to_json(self) -> dict[str, object]:
        return {
            "page_id": self.page_id,
            "lang": self.lang,
            "state": str(self.state),
            "source": self.source.rel if self.source else None,
            "target": self.target.rel if self.target else None,
            "source_hash": self.source.md5 if self.source else None,
            "target_source_hash": self.target.source_hash if self.target else None,
        }


def site_status(site: Site) -> list[Entry]:
    """One entry per (item, target language), plus one per orphaned target, in a stable order."""
    entries = list(_source_entries(site)) + list(_orphan_entries(site))
    return sorted(entries, key=lambda e: (e.page_id, e.lang))


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
