"""Aligning a stale target with the source version it was made from.

A stale target's ``source_hash`` names the source version it was translated from; the memory
keeps the bytes of every such version.  Re-segmenting that earlier source and reading the
target's current text for each of its segments (:func:`read_target_texts`) says, for every
segment of the *current* source, whether its text is unchanged — and then the target's text for
it, including a human's edit, is kept.  Used by the plan and by ``status`` (changed counts).
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from polyfolio.content.document import parse_document
from polyfolio.content.site import Item, Site
from polyfolio.diagnostics import ContentError, Diagnostic
from polyfolio.translate.memory import TranslationMemory
from polyfolio.translate.segments import SegmentedDocument, segment_document
from polyfolio.translate.settings import load_translate_settings
from polyfolio.translate.status import Entry
from polyfolio.translate.target import read_target_texts

UNKNOWN_SOURCE = "the source it was translated from is not in the translation memory"
RESTRUCTURED = "it no longer has the structure of the source it was translated from"


class Alignment(Struct, frozen=True):
    earlier: SegmentedDocument  # the source version the target was made from
    target_texts: dict[str, str]  # earlier segment key -> the target's current text for it
    kept: dict[str, str]  # current segment key -> target text to keep (source unchanged)


def align_stale(
    target: Item, current: SegmentedDocument, memory: TranslationMemory, translatable: Sequence[str]
) -> Alignment | str:
    """The alignment of ``target`` with its earlier source, or why there is none.

    A current segment counts as unchanged when the same key has the same text in the earlier
    source, or, failing that (a paragraph was inserted above it, so keys shifted), when its text
    occurs anywhere in the earlier source.
    """
    earlier = earlier_source(target, memory, translatable)
    if earlier is None:
        return UNKNOWN_SOURCE
    texts = read_target_texts(earlier, target.document)
    if texts is None:
        return RESTRUCTURED
    earlier_by_key = earlier.by_key()
    by_text: dict[str, str] = {}
    for segment in earlier.segments:
        if segment.key in texts:
            by_text.setdefault(segment.text, texts[segment.key])
    kept: dict[str, str] = {}
    for segment in current.segments:
        before = earlier_by_key.get(segment.key)
        if before is not None and before.text == segment.text and segment.key in texts:
            kept[segment.key] = texts[segment.key]
        elif segment.text in by_text:
            kept[segment.key] = by_text[segment.text]
    return Alignment(earlier, texts, kept)


def earlier_source(
    target: Item, memory: TranslationMemory, translatable: Sequence[str]
) -> SegmentedDocument | None:
    """The source version ``target`` was made from, segmented, if the memory has it."""
    digest = target.source_hash
    data = memory.source(digest) if digest else None
    if data is None:
        return None
    try:
        return segment_document(parse_document(target.rel, data), translatable)
    except ContentError:
        return None


class SourceSegments:
    """Each source is segmented once, however many target languages ask for it."""

    def __init__(self, translatable: Sequence[str]) -> None:
        self.translatable = translatable
        self.done: dict[str, SegmentedDocument | None] = {}

    def get(self, source: Item, problems: list[Diagnostic]) -> SegmentedDocument | None:
        """The segmented source; ``None`` (and its problem reported) if it cannot be cut."""
        if source.rel not in self.done:
            try:
                self.done[source.rel] = segment_document(source.document, self.translatable)
            except ContentError as exc:
                problems.append(exc.diagnostic)
                self.done[source.rel] = None
        return self.done[source.rel]


def changed_segment_counts(site: Site, stale: Sequence[Entry]) -> dict[tuple[str, str], int]:
    """(page_id, lang) -> how many source segments changed since the translation was made, for
    the stale entries whose count can be known.

    Reads the memory if there is one (never creates it); no memory or an unreadable setting
    only means the counts are unknown, which ``status`` shows as "?".
    """
    try:
        translatable = load_translate_settings(site.config).translatable
        memory = TranslationMemory.open_existing(site.root)
    except ContentError:
        return {}
    counts: dict[tuple[str, str], int] = {}
    sources = SourceSegments(translatable)
    with memory:
        for entry in stale:
            current = sources.get(entry.source, []) if entry.source else None
            if current is None or entry.target is None:
                continue
            alignment = align_stale(entry.target, current, memory, translatable)
            if isinstance(alignment, Alignment):
                counts[(entry.page_id, entry.lang)] = len(current.segments) - len(alignment.kept)
    return counts
