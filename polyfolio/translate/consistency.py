"""Consistency warnings over translated texts: glossary terms not followed, and one source text
translated two different ways (both are defects of the seeds, made by another tool).

Works on :class:`AlignedText` records — a source segment's text beside its translation — so a
run can check what it wrote and ``check`` can check a whole site (:func:`site_aligned_texts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from msgspec import Struct

from polyfolio.content.site import Item, Site
from polyfolio.diagnostics import ContentError, Diagnostic, Location, warning
from polyfolio.translate.segments import SegmentedDocument, segment_document
from polyfolio.translate.settings import GlossaryEntry, occurs
from polyfolio.translate.status import State, site_status
from polyfolio.translate.target import read_target_texts


class AlignedText(Struct, frozen=True):
    rel: str  # the target file
    line: int  # the segment's line in it
    lang: str  # the site's code for the target language
    source: str  # source segment text (placeholder form)
    target: str  # its translation (placeholder form)


def glossary_warnings(
    texts: Iterable[AlignedText], glossary: Sequence[GlossaryEntry]
) -> list[Diagnostic]:
    """A warning where a glossary term occurs in the source but its target term is missing."""
    found: list[Diagnostic] = []
    for text in texts:
        for entry in glossary:
            term = entry.targets.get(text.lang)
            if term is None or not occurs(entry.source, [text.source]):
                continue
            if not occurs(term, [text.target]):
                found.append(
                    warning(
                        Location(text.rel, text.line),
                        f"glossary: '{entry.source}' should be translated as '{term}'",
                    )
                )
    return found


def inconsistency_warnings(texts: Iterable[AlignedText]) -> list[Diagnostic]:
    """A warning for every place after the first where one source text got another translation."""
    first: dict[tuple[str, str], AlignedText] = {}
    found: list[Diagnostic] = []
    for text in texts:
        if text.source == text.target:
            continue  # left untranslated (code-like text, or the copy engine): nothing to compare
        seen = first.setdefault((text.lang, text.source), text)
        if seen.target != text.target:
            found.append(
                warning(
                    Location(text.rel, text.line),
                    f"translated differently from {seen.rel}:{seen.line}, "
                    "though the source text is the same",
                    "one source text should have one translation",
                )
            )
    return found


def site_aligned_texts(site: Site, translatable: Sequence[str]) -> Iterator[AlignedText]:
    """Every current translation's segments beside their sources (a stale one cannot be aligned
    with the source it was made from without the memory, so it is left out)."""
    segmented: dict[str, SegmentedDocument] = {}
    for entry in site_status(site):
        if entry.state is not State.CURRENT or entry.source is None or entry.target is None:
            continue
        try:
            if entry.source.rel not in segmented:
                segmented[entry.source.rel] = segment_document(entry.source.document, translatable)
            yield from _aligned(segmented[entry.source.rel], entry.target, translatable)
        except ContentError:
            continue  # ``check`` reports unreadable content on its own


def _aligned(
    source: SegmentedDocument, target: Item, translatable: Sequence[str]
) -> Iterator[AlignedText]:
    texts = read_target_texts(source, target.document)
    if texts is None:
        return
    # a target made by polyfolio keeps the source's layout, but a human may have moved lines
    lines = {s.key: s.line for s in segment_document(target.document, translatable).segments}
    for segment in source.segments:
        if segment.key in texts:
            line = lines.get(segment.key, segment.line)
            yield AlignedText(target.rel, line, target.lang, segment.text, texts[segment.key])


def consistency_warnings(
    site: Site, translatable: Sequence[str], glossary: Sequence[GlossaryEntry]
) -> list[Diagnostic]:
    texts = list(site_aligned_texts(site, translatable))
    return [*glossary_warnings(texts, glossary), *inconsistency_warnings(texts)]
