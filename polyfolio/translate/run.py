"""``polyfolio translate``: the whole run, top to bottom.

    lock → load site → settings → engine → keep the sources of current translations
         → plan → (dry run: stop here, without the lock and without writing)
         → record human edits → send distinct segments in batches, a few at a time
         → check every answer (a rejected segment is asked once more, then reported)
         → store answers in the memory as they arrive (one transaction for the answers
           that arrive together, committed before any file that uses them is written)
         → write each target as soon as all its segments are known (atomically)
         → consistency warnings for what was written

A kill at any moment leaves every target old or new (atomic replacement), the memory consistent
(SQLite rolls back a transaction in flight), and a rerun sends only what the memory lacks.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from msgspec import Struct, field

from polyfolio.atomicfile import write_bytes_atomic
from polyfolio.content.document import md5_hex
from polyfolio.content.site import Site, load_site
from polyfolio.diagnostics import Diagnostic, Location, error
from polyfolio.translate.checks import Problem, check_translation
from polyfolio.translate.consistency import AlignedText, glossary_warnings, inconsistency_warnings
from polyfolio.translate.engines import Engine, EngineError, Request, create_engine
from polyfolio.translate.engines.retry import translate_with_retries
from polyfolio.translate.lock import run_lock
from polyfolio.translate.memory import MEMORY_FILE, STATE_DIR, Origin, Pair, TranslationMemory
from polyfolio.translate.plan import (
    FilePlan,
    Job,
    Plan,
    PlanOptions,
    make_plan,
    site_pair,
    target_languages,
)
from polyfolio.translate.progress import Advance, progress_bar
from polyfolio.translate.settings import TranslateSettings, load_translate_settings
from polyfolio.translate.status import Entry, State, site_status
from polyfolio.translate.target import PlaceholderError, build_target

RETRY_BASE_DELAY = 0.5  # seconds before the first retry of a failed request; doubles after


class TranslateOptions(Struct, frozen=True):
    languages: Sequence[str] = ()  # site codes; empty: every target language
    engine: str | None = None  # overrides polyfolio.translate.engine
    dry_run: bool = False
    force: bool = False
    progress: bool = False


class RunReport(Struct):
    plan: Plan
    written: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    requests: int = 0  # segments sent, retries of rejected answers included
    characters: int = 0  # their characters
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of "plan" and "send"

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def translate_site(root: Path, options: TranslateOptions) -> RunReport:
    """Bring every translation of the site at ``root`` up to date (or plan it, on a dry run)."""
    if options.dry_run:
        return _plan_only(root, options)
    started = time.perf_counter()
    with run_lock(root):
        site, settings, engine, plan_options = _prepare(root, options)
        entries = site_status(site)
        with TranslationMemory.open(site.root) as memory:
            _remember_current_sources(entries, memory)
            plan = make_plan(site, entries, memory, plan_options)
            report = RunReport(plan, diagnostics=[*_site_errors(site), *plan.problems])
            _record_human_edits(site, plan, memory, engine)
            planned = time.perf_counter()
            run = _Run(site, settings, engine, memory, report)
            asyncio.run(run.execute(options.progress))
            report.seconds = {"plan": planned - started, "send": time.perf_counter() - planned}
    report.diagnostics.extend(run.consistency())
    return report


def _plan_only(root: Path, options: TranslateOptions) -> RunReport:
    """The plan, read-only: no lock, and a memory that is only read (or none at all)."""
    site, _, engine, plan_options = _prepare(root, options)
    asyncio.run(engine.aclose())  # a dry run needs the engine's settings key, not its client
    with TranslationMemory.open_existing(site.root) as memory:
        plan = make_plan(site, site_status(site), memory, plan_options)
    return RunReport(plan, diagnostics=[*_site_errors(site), *plan.problems])


def _prepare(
    root: Path, options: TranslateOptions
) -> tuple[Site, TranslateSettings, Engine, PlanOptions]:
    site = load_site(root)
    settings = load_translate_settings(site.config, options.engine, root=site.root)
    languages = target_languages(site, options.languages)
    engine = create_engine(settings)
    plan_options = PlanOptions(
        languages, settings.translatable, engine.settings_key(), options.force
    )
    return site, settings, engine, plan_options


def _remember_current_sources(entries: Sequence[Entry], memory: TranslationMemory) -> None:
    """Keep the source of every current translation: it is, by definition, the version the
    translation was made from, so a later edit of it can be aligned paragraph by paragraph
    (translations made by hand, or by another tool and accepted, gain this on the first run)."""
    known = memory.source_hashes()
    missing = {
        entry.source.md5: entry.source.raw
        for entry in entries
        if entry.state is State.CURRENT and entry.source and entry.source.md5 not in known
    }
    memory.add_sources(missing.values())


def _site_errors(site: Site) -> list[Diagnostic]:
    return [d for d in site.problems if d.is_error]


def _record_human_edits(site: Site, plan: Plan, memory: TranslationMemory, engine: Engine) -> None:
    for lang, edits in plan.human_edits.items():
        memory.store(site_pair(site, lang, engine.settings_key()), edits.items(), Origin.HUMAN)


class _Waiting(Struct):
    """A planned file and the segment texts it still waits for."""

    plan: FilePlan
    texts: dict[str, str]  # key -> text, filled as answers arrive
    open: int
    failed: bool = False


class _Run:
    """The sending half of a run: batches out, checked answers in, files written as they fill."""

    def __init__(
        self,
        site: Site,
        settings: TranslateSettings,
        engine: Engine,
        memory: TranslationMemory,
        report: RunReport,
    ) -> None:
        self.site = site
        self.settings = settings
        self.engine = engine
        self.memory = memory
        self.report = report
        self.files = [_Waiting(f, dict(f.known), len(f.needed)) for f in report.plan.files]
        # (lang, source text) -> every (file, segment key) that waits for its translation
        self.waiters: dict[tuple[str, str], list[tuple[_Waiting, str]]] = {}
        for waiting in self.files:
            for segment in waiting.plan.needed:
                key = (waiting.plan.lang, segment.text)
                self.waiters.setdefault(key, []).append((waiting, segment.key))
        self.stopped: str | None = None  # why the run stopped sending, after a fatal engine error
        # checked answers not yet in the memory, and the one task that stores and writes them
        self.pending: list[tuple[Pair, Job, str]] = []
        self.keeper: asyncio.Task[None] | None = None
        self.memory_error: str | None = None

    async def execute(self, show_progress: bool) -> None:
        try:
            # every source a target will name, kept first (one transaction), so any target
            # written later can be aligned with its source when that source changes
            self.memory.add_sources(waiting.plan.source.raw for waiting in self.files)
            for waiting in self.files:
                if waiting.open == 0:
                    await self._write(waiting)
            jobs = self.report.plan.jobs
            with progress_bar(show_progress, len(jobs)) as advance:
                semaphore = asyncio.Semaphore(self.settings.concurrency)
                tasks = [
                    self._send(batch, semaphore, advance)
                    for batch in batches(
                        jobs, self.engine.max_batch_segments, self.engine.max_batch_chars
                    )
                ]
                await asyncio.gather(*tasks)
                if self.keeper is not None:
                    await self.keeper
        finally:
            await self.engine.aclose()

    async def _send(self, batch: list[Job], semaphore: asyncio.Semaphore, advance: Advance) -> None:
        lang = batch[0].lang
        rejected = await self._round(batch, semaphore)
        if rejected:
            # an engine may answer differently when asked again; after that the reason stands
            rejected = await self._round([job for job, _ in rejected], semaphore)
        for job, problems in rejected:
            self._fail(lang, job, problems)
        advance(len(batch))

    async def _round(
        self, batch: list[Job], semaphore: asyncio.Semaphore
    ) -> list[tuple[Job, list[Problem]]]:
        """Ask once (with the engine's own retries); store and deliver what passes the checks."""
        async with semaphore:
            if self.stopped is not None:
                return [(job, [Problem("engine", self.stopped)]) for job in batch]
            answers = await self._ask(batch)
        if isinstance(answers, Problem):
            return [(job, [answers]) for job in batch]
        accepted: list[tuple[Job, str]] = []
        rejected: list[tuple[Job, list[Problem]]] = []
        for index, job in enumerate(batch):
            answer = answers.get(str(index))
            problems = (
                [Problem("missing", "the engine gave no answer for this segment")]
                if answer is None
                else check_translation(job.segment, answer)
            )
            if problems:
                rejected.append((job, problems))
            else:
                accepted.append((job, answer))  # type: ignore[arg-type]
        self._accept(batch[0].lang, accepted)
        return rejected

    async def _ask(self, batch: list[Job]) -> dict[str, str] | Problem:
        lang = batch[0].lang
        texts = [job.text for job in batch]
        pair = site_pair(self.site, lang, "")
        context = self.settings.batch_context(
            texts, source_lang=pair.source_lang, target_lang=pair.target_lang, target_code=lang
        )
        requests = [Request(str(index), text) for index, text in enumerate(texts)]
        self.report.requests += len(requests)
        self.report.characters += sum(len(text) for text in texts)
        try:
            return await translate_with_retries(
                self.engine,
                requests,
                context,
                attempts=self.settings.max_retries + 1,
                base_delay=RETRY_BASE_DELAY,
            )
        except EngineError as exc:
            if not exc.retryable:
                self.stopped = f"not sent after an earlier request failed: {exc}"
            return Problem("engine", str(exc))

    def _accept(self, lang: str, accepted: list[tuple[Job, str]]) -> None:
        """Queue checked answers for the keeper task, starting it if it is not running."""
        if not accepted:
            return
        if self.memory_error is not None:
            return  # nothing can be kept, so nothing more is written
        pair = site_pair(self.site, lang, self.engine.settings_key())
        self.pending.extend((pair, job, text) for job, text in accepted)
        if self.keeper is None or self.keeper.done():
            self.keeper = asyncio.create_task(self._keep())

    async def _keep(self) -> None:
        """Commit queued answers, then write every file they complete — never the other way
        round, so a written target's texts are always in the memory too.  Disk syncs run in a
        thread, so requests go on meanwhile; answers that arrive during one commit share the
        next (one transaction, one sync, for all of them)."""
        while self.pending:
            pending, self.pending = self.pending, []
            rows = [(pair, job.text, text) for pair, job, text in pending]
            try:
                await asyncio.to_thread(self.memory.store_many, rows, Origin.ENGINE)
            except sqlite3.Error as exc:  # a full disk, a read-only folder
                self._memory_failed(exc)
                return
            for _, job, text in pending:
                for waiting, key in self.waiters.get((job.lang, job.text), ()):
                    waiting.texts[key] = text
                    waiting.open -= 1
                    if waiting.open == 0 and not waiting.failed:
                        await self._write(waiting)

    def _memory_failed(self, exc: sqlite3.Error) -> None:
        self.memory_error = str(exc)
        self.stopped = f"not sent: the translation memory cannot be written ({exc})"
        self.pending.clear()
        self.report.diagnostics.append(
            error(
                Location(f"{STATE_DIR}/{MEMORY_FILE}"),
                f"cannot store translations: {exc}; the files waiting for them were left as "
                "they were",
            )
        )

    def _fail(self, lang: str, job: Job, problems: list[Problem]) -> None:
        reason = "; ".join(problem.message for problem in problems)
        for waiting, key in self.waiters.get((lang, job.text), ()):
            waiting.failed = True
            segment = waiting.plan.source_doc.by_key()[key]
            self.report.diagnostics.append(
                error(
                    Location(waiting.plan.source.rel, segment.line),
                    f"not translated into {lang}: {reason}; "
                    f"{waiting.plan.target_rel} left as it was",
                )
            )

    async def _write(self, waiting: _Waiting) -> None:
        file = waiting.plan
        path = self.site.root / file.target_rel
        refusal = _refusal(path, file.target_md5)
        if refusal is not None:
            self._not_written(waiting, refusal)
            return
        try:
            document = build_target(
                file.source_doc, waiting.texts, lang=file.lang, source_hash=file.source.md5
            )
        except PlaceholderError as exc:
            self._not_written(waiting, f"cannot be rebuilt: {exc}")
            return
        try:
            await asyncio.to_thread(write_bytes_atomic, path, document.to_bytes())
        except OSError as exc:  # a full disk, a read-only folder
            self._not_written(waiting, f"cannot write: {exc.strerror or exc}")
            return
        self.report.written.append(file.target_rel)

    def _not_written(self, waiting: _Waiting, why: str) -> None:
        waiting.failed = True
        self.report.diagnostics.append(
            error(Location(waiting.plan.target_rel), f"{why}; left as it was")
        )

    def consistency(self) -> list[Diagnostic]:
        """Warnings about what this run wrote: glossary terms missing, one text two ways."""
        aligned = list(self._written_texts())
        return [
            *glossary_warnings(aligned, self.settings.glossary),
            *inconsistency_warnings(aligned),
        ]

    def _written_texts(self) -> Iterator[AlignedText]:
        written = set(self.report.written)
        for waiting in self.files:
            file = waiting.plan
            if file.target_rel not in written:
                continue
            for segment in file.source_doc.segments:
                text = waiting.texts.get(segment.key)
                if text is not None:
                    yield AlignedText(file.target_rel, segment.line, file.lang, segment.text, text)


def batches(jobs: Sequence[Job], max_segments: int, max_chars: int) -> Iterator[list[Job]]:
    """Jobs grouped by language, at most ``max_segments`` and ``max_chars`` a batch (a single
    longer segment goes alone).  Plan order is kept within a language, so files complete early."""
    by_lang: dict[str, list[Job]] = {}
    for job in jobs:
        by_lang.setdefault(job.lang, []).append(job)
    for same_lang in by_lang.values():
        batch: list[Job] = []
        chars = 0
        for job in same_lang:
            if batch and (len(batch) >= max_segments or chars + len(job.text) > max_chars):
                yield batch
                batch, chars = [], 0
            batch.append(job)
            chars += len(job.text)
        if batch:
            yield batch


def _refusal(path: Path, planned_md5: str | None) -> str | None:
    """Why the target at ``path`` must not be replaced now, if it must not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = None
    if (md5_hex(data) if data is not None else None) != planned_md5:
        return "changed during the run (by someone else?)"
    if data is not None and not path.stat().st_mode & 0o222:
        return "is read-only, so its owner wants it kept"
    return None
