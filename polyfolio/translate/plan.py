"""The sync plan: for every (item, target language), where each segment's text will come from.

A segment's text comes, in this order, from

1. the current target file, when the segment's source text did not change since the target was
   made (so a human's edit survives) — this needs the earlier source, found in the memory by the
   target's ``source_hash``;
2. the translation memory (free);
3. the engine — and each distinct (language, text) is sent once per run, however many items
   share it.

A stale target whose earlier source is unknown (made by another tool, say) may hold a human's
work that cannot be told apart from outdated text, so it is reported and left alone unless the
run is forced.  Orphans (targets whose source is gone) are reported, never touched.

Planning reads only: nothing is written, so ``--dry-run`` is the plan itself.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence

from msgspec import Struct, field

from polyfolio.content.site import Item, Site
from polyfolio.diagnostics import Diagnostic, Location, error, warning
from polyfolio.translate.align import Alignment, SourceSegments, align_stale
from polyfolio.translate.memory import Origin, Pair, TranslationMemory
from polyfolio.translate.placeholders import split_protected
from polyfolio.translate.segments import Segment, SegmentedDocument
from polyfolio.translate.status import Entry, State


class UnknownLanguage(ValueError):
    """``--to`` named a language the site does not translate into (a usage error)."""


class FilePlan(Struct, frozen=True):
    """One target file to (re)write and where each of its segments' text comes from."""

    page_id: str
    lang: str  # the site's code, as written in ``lang:``
    state: State
    source: Item
    source_doc: SegmentedDocument
    target_rel: str
    target_md5: str | None  # the target's bytes when planned (None: no file yet)
    known: Mapping[str, str]  # segment key -> text found without the engine
    kept: int  # how many of ``known`` came from the current target file
    needed: tuple[Segment, ...]  # segments whose text only the engine can give

    def to_json(self) -> dict[str, object]:
        return {
            "page_id": self.page_id,
            "lang": self.lang,
            "state": str(self.state),
            "source": self.source.rel,
            "target": self.target_rel,
            "segments": len(self.source_doc.segments),
            "kept": self.kept,
            "from_memory": len(self.known) - self.kept,
            "to_send": len(self.needed),
        }


class Job(Struct, frozen=True):
    """One distinct text to send, with a segment that has it (for checking the answer)."""

    lang: str
    segment: Segment

    @property
    def text(self) -> str:
        return self.segment.text


class Skipped(Struct, frozen=True):
    page_id: str
    lang: str
    target: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {
            "page_id": self.page_id,
            "lang": self.lang,
            "target": self.target,
            "reason": self.reason,
        }


class Plan(Struct):
    files: list[FilePlan] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    # texts a human changed in a target, found while aligning stale files: lang -> (source, target)
    human_edits: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def segments(self) -> int:
        return len(self.jobs)

    @property
    def characters(self) -> int:
        return sum(len(job.text) for job in self.jobs)

    def to_json(self) -> dict[str, object]:
        return {
            "segments": self.segments,
            "characters": self.characters,
            "files": [f.to_json() for f in self.files],
            "skipped": [s.to_json() for s in self.skipped],
            "problems": [str(p) for p in self.problems],
        }


class PlanOptions(Struct, frozen=True):
    languages: Sequence[str]  # site codes to plan for
    translatable: Sequence[str]  # front matter dotted paths
    settings_key: str
    force: bool = False


def target_languages(site: Site, requested: Sequence[str]) -> tuple[str, ...]:
    if not requested:
        return site.target_languages
    unknown = [lang for lang in requested if lang not in site.target_languages]
    if unknown:
        known = ", ".join(site.target_languages) or "none"
        raise UnknownLanguage(
            f"not a target language of this site: {', '.join(unknown)} (targets: {known})"
        )
    return tuple(dict.fromkeys(requested))


def make_plan(
    site: Site, entries: Iterable[Entry], memory: TranslationMemory, options: PlanOptions
) -> Plan:
    plan = Plan()
    sources = SourceSegments(options.translatable)
    drafts: list[_Draft] = []
    for entry in entries:
        if entry.lang not in options.languages or entry.state is State.CURRENT:
            continue
        if entry.state is State.ORPHAN or entry.source is None:
            plan.problems.append(_orphan(entry))
            continue
        draft = _draft(site, entry, entry.source, sources, memory, options, plan)
        if draft is not None:
            drafts.append(draft)
    _resolve(site, drafts, memory, options.settings_key, plan)
    return plan


class _Draft(Struct):
    entry: Entry
    source: Item
    source_doc: SegmentedDocument
    target_rel: str
    kept: dict[str, str]
    open_segments: list[Segment]


def _draft(
    site: Site,
    entry: Entry,
    source: Item,
    sources: SourceSegments,
    memory: TranslationMemory,
    options: PlanOptions,
    plan: Plan,
) -> _Draft | None:
    source_doc = sources.get(source, plan.problems)
    if source_doc is None:
        return None
    kept: dict[str, str] = {}
    if entry.state is State.STALE and entry.target is not None:
        pair = site_pair(site, entry.lang, options.settings_key)
        aligned = _align_stale(entry.target, source_doc, memory, pair, options, plan)
        if aligned is None:
            return None
        kept = aligned
        target_rel = entry.target.rel
    else:
        found = _new_target_rel(site, source, entry.lang, plan.problems)
        if found is None:
            return None
        target_rel = found
    open_segments = [s for s in source_doc.segments if s.key not in kept]
    return _Draft(entry, source, source_doc, target_rel, kept, open_segments)


def _align_stale(
    target: Item,
    source_doc: SegmentedDocument,
    memory: TranslationMemory,
    pair: Pair,
    options: PlanOptions,
    plan: Plan,
) -> dict[str, str] | None:
    """Texts to keep from a stale target, ``{}`` to redo it all (forced), ``None`` to skip it."""
    alignment = align_stale(target, source_doc, memory, options.translatable)
    if isinstance(alignment, Alignment):
        _note_human_edits(alignment, target, memory, pair, plan)
        return alignment.kept
    if options.force:
        return {}
    plan.skipped.append(Skipped(target.page_id, target.lang, target.rel, alignment))
    plan.problems.append(
        warning(
            Location(target.rel),
            f"stale, but left as is: {alignment}, so a human's edits cannot be told apart",
            "check it and run 'polyfolio translate --accept', or retranslate with --force",
        )
    )
    return None


def _note_human_edits(
    alignment: Alignment, target: Item, memory: TranslationMemory, pair: Pair, plan: Plan
) -> None:
    """Remember target texts that differ from what the memory gave: a human changed them."""
    edits = plan.human_edits.setdefault(target.lang, {})
    for segment in alignment.earlier.segments:
        text = alignment.target_texts.get(segment.key)
        if text is None or text == segment.text:
            continue
        stored = memory.lookup(segment.text, pair)
        if stored is not None and stored.origin is not Origin.HUMAN and stored.target_text != text:
            edits.setdefault(segment.text, text)


def _resolve(
    site: Site, drafts: list[_Draft], memory: TranslationMemory, settings_key: str, plan: Plan
) -> None:
    """Fill each draft's open segments from human edits and memory; the rest become jobs."""
    sent: set[tuple[str, str]] = set()
    for draft in drafts:
        lang = draft.entry.lang
        pair = site_pair(site, lang, settings_key)
        human = plan.human_edits.get(lang, {})
        known = dict(draft.kept)
        needed: list[Segment] = []
        for segment in draft.open_segments:
            text = _free_text(segment, human, memory, pair)
            if text is not None:
                known[segment.key] = text
                continue
            needed.append(segment)
            if (lang, segment.text) not in sent:
                sent.add((lang, segment.text))
                plan.jobs.append(Job(lang, segment))
        plan.files.append(
            FilePlan(
                page_id=draft.entry.page_id,
                lang=lang,
                state=draft.entry.state,
                source=draft.source,
                source_doc=draft.source_doc,
                target_rel=draft.target_rel,
                target_md5=draft.entry.target.md5 if draft.entry.target else None,
                known=known,
                kept=len(draft.kept),
                needed=tuple(needed),
            )
        )


def _free_text(
    segment: Segment, human: Mapping[str, str], memory: TranslationMemory, pair: Pair
) -> str | None:
    if not has_words(segment.text):
        return segment.text  # only markup, numbers or punctuation: nothing to translate
    if segment.text in human:
        return human[segment.text]
    stored = memory.lookup(segment.text, pair)
    return stored.target_text if stored else None


def has_words(text: str) -> bool:
    """Whether any letter lies outside the placeholders, i.e. an engine has work to do."""
    return any(
        not protected and any(ch.isalpha() for ch in piece)
        for protected, piece in split_protected(text)
    )


def site_pair(site: Site, lang: str, settings_key: str) -> Pair:
    """The memory's language pair for a site language (memory keys use BCP 47 tags)."""
    codes = site.config.codes
    return Pair(codes.to_bcp47(site.source_lang), codes.to_bcp47(lang), settings_key)


def _new_target_rel(site: Site, source: Item, lang: str, problems: list[Diagnostic]) -> str | None:
    rel = target_rel_for(source.rel, site.source_lang, lang)
    if os.path.lexists(site.root / rel):
        # another item, or a file that could not be read as one: either way, someone's work
        problems.append(
            error(
                Location(rel),
                f"the {lang} translation of {source.rel} would be written here, but this file "
                f"exists and is not it; not overwritten",
                f"give it page_id: {source.page_id} and lang: {lang}, or move it",
            )
        )
        return None
    return rel


def target_rel_for(source_rel: str, source_lang: str, lang: str) -> str:
    """Where a new translation goes: the source's language folder or suffix swapped for
    ``lang`` (``_portfolio/en/x.md`` → ``_portfolio/gr/x.md``), else a suffix next to the source
    (``_portfolio/x.md`` → ``_portfolio/x.gr.md``, as the seeds are named)."""
    folder, name = posixpath.split(source_rel)
    parts = folder.split("/")
    if source_lang in parts[1:]:
        index = len(parts) - 1 - parts[::-1].index(source_lang)
        parts[index] = lang
        return posixpath.join(*parts, name)
    stem, ext = posixpath.splitext(name)
    base, dot, suffix = stem.rpartition(".")
    stem = base if dot and suffix == source_lang else stem
    return posixpath.join(folder, f"{stem}.{lang}{ext}")


def _orphan(entry: Entry) -> Diagnostic:
    rel = entry.target.rel if entry.target else entry.page_id
    return warning(
        Location(rel),
        f"orphan: no source item has page_id '{entry.page_id}'; left as is",
    )
