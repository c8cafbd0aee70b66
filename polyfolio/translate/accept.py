"""Onboarding: accept existing translations as current without changing their text.

For translations polyfolio did not make (the seeds' situation: another tool wrote them, and
their ``source_hash`` names a source version nobody kept), ``translate --accept`` says "these
are right for the source as it is now": it keeps the source's bytes in the memory, records each
aligned segment pair as an accepted translation, and rewrites only the ``source_hash`` value of
each stale target (every other byte stays).  From then on, a source edit is retranslated
paragraph by paragraph and the accepted texts of unchanged paragraphs are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from msgspec import Struct, field

from polyfolio.atomicfile import write_bytes_atomic
from polyfolio.content.document import md5_hex
from polyfolio.content.frontmatter import FrontMatterEditor
from polyfolio.content.site import Item, Site, load_site
from polyfolio.diagnostics import ContentError, Diagnostic, Location, error
from polyfolio.translate.lock import run_lock
from polyfolio.translate.memory import Origin, TranslationMemory
from polyfolio.translate.plan import site_pair, target_languages
from polyfolio.translate.segments import segment_document
from polyfolio.translate.settings import load_translate_settings
from polyfolio.translate.status import State, site_status
from polyfolio.translate.target import read_target_texts

SOURCE_HASH = ("source_hash",)


class AcceptReport(Struct):
    accepted: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def accept_translations(root: Path, languages: Sequence[str] = ()) -> AcceptReport:
    """Mark every stale translation (in ``languages``, default all) as current."""
    with run_lock(root):
        site = load_site(root)
        settings = load_translate_settings(site.config, root=site.root)
        chosen = target_languages(site, languages)
        report = AcceptReport(diagnostics=[d for d in site.problems if d.is_error])
        with TranslationMemory.open(site.root) as memory:
            for entry in site_status(site):
                if entry.state is not State.STALE or entry.lang not in chosen:
                    continue
                assert entry.source is not None and entry.target is not None
                try:
                    _accept(site, entry.source, entry.target, memory, settings.translatable)
                except ContentError as exc:
                    report.diagnostics.append(exc.diagnostic)
                except OSError as exc:
                    report.diagnostics.append(
                        error(Location(entry.target.rel), f"cannot write: {exc.strerror or exc}")
                    )
                else:
                    report.accepted.append(entry.target.rel)
        return report


def _accept(
    site: Site, source: Item, target: Item, memory: TranslationMemory, translatable: Sequence[str]
) -> None:
    new_bytes = with_source_hash(target, source.md5)
    path = site.root / target.rel
    if md5_hex(path.read_bytes()) != target.md5:
        raise ContentError(error(Location(target.rel), "changed while accepting; left as is"))
    memory.add_source(source.raw)
    _remember_pairs(site, source, target, memory, translatable)
    write_bytes_atomic(path, new_bytes)


def _remember_pairs(
    site: Site, source: Item, target: Item, memory: TranslationMemory, translatable: Sequence[str]
) -> None:
    """Store each (source segment, target text) pair, when the target aligns with the source."""
    segmented = segment_document(source.document, translatable)
    texts = read_target_texts(segmented, target.document)
    if texts is None:
        return  # a different structure: still accepted as a whole, but no pair can be told
    pairs = [(s.text, texts[s.key]) for s in segmented.segments if s.key in texts]
    memory.store(site_pair(site, target.lang, ""), pairs, Origin.ACCEPTED)


def with_source_hash(target: Item, md5: str) -> bytes:
    """The target's bytes with ``source_hash`` set to ``md5`` (added last if absent)."""
    document = target.document
    editor = FrontMatterEditor(document.front_matter, target.rel, document.front_matter_line)
    if editor.has(SOURCE_HASH):
        front_matter = editor.set_values({SOURCE_HASH: md5})
    else:
        front_matter = editor.with_new_key("source_hash", md5)
    return document.with_front_matter(front_matter).to_bytes()
