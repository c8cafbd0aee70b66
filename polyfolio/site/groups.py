"""Item groups (one ``page_id`` in every language): cache key, rendering, and parallel runs.

A group's pages depend only on its own files, its images and the site-wide context, so groups
are independent: unchanged ones come from the cache, the rest are rendered, split across
processes when there are many.  Workers are forked, so they share the parent's read-only state
without pickling it; each renders its groups, writes their files and sends back only small
results (output keys, cache entries, diagnostics).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence

from msgspec import Struct, field, structs

from polyfolio.diagnostics import Diagnostic
from polyfolio.processes import MAX_BATCHES, can_fork, run_shared
from polyfolio.site import pages, views
from polyfolio.site.body import BodyRenderer
from polyfolio.site.cache import GroupEntry, PageCache, as_tuples
from polyfolio.site.output import OutputFolder, content_key
from polyfolio.site.pages import ItemMedia, RenderContext
from polyfolio.site.sitefiles import SiteFile

# Below this many groups to render, a second process costs more than it saves.
PARALLEL_THRESHOLD = 64
BATCH_GROUPS = 32  # groups a worker takes at a time (at least)


class GroupJob(Struct, frozen=True):
    """Read-only state every group render needs."""

    ctx: RenderContext
    media: Mapping[str, ItemMedia]
    bodies: BodyRenderer
    # page_id → language → home card digest, as the homes' keys were made (filled before
    # rendering; a group missing here has its digests made again)
    cards: dict[str, dict[str, str]] = field(default_factory=dict)


class ChunkResult(Struct):
    entries: dict[str, GroupEntry] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    written: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    bodies_rendered: int = 0


def group_key(job: GroupJob, page_id: str) -> str:
    digest = hashlib.blake2b(f"{job.ctx.key}\0{page_id}".encode(), digest_size=16)
    for lang, page in job.ctx.plan.pages[page_id].items():
        item = page.item
        digest.update(
            f"\0{lang}\0{item.rel}\0{item.md5}\0{page.fallback}\0{page.stale}\0"
            f"{job.media[item.rel].key()!r}".encode()
        )
    return digest.hexdigest()


def group_cards(job: GroupJob, page_id: str) -> dict[str, str]:
    """Language → the digest of the group's home card in it."""
    ctx = job.ctx
    return {
        lang: views.card_digest(pages.card_view(ctx, lang, page, job.media[page.item.rel]))
        for lang, page in ctx.plan.pages[page_id].items()
    }


def group_entry(
    job: GroupJob, page_id: str, key: str, files: dict[str, str], problems: list[Diagnostic]
) -> GroupEntry:
    """The cache entry of a group just rendered, with what the one-item rebuild needs."""
    group = job.ctx.plan.pages[page_id].values()
    return GroupEntry(
        key,
        files,
        as_tuples(problems),
        sources=job.ctx.plan.files[page_id],
        images=tuple(sorted({f for page in group for f in job.media[page.item.rel].files})),
        cards=job.cards.get(page_id) or group_cards(job, page_id),
    )


def render_group(job: GroupJob, page_id: str) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The item page of ``page_id`` in each language; each body rendered once."""
    ctx = job.ctx
    problems: list[Diagnostic] = []
    bodies = {}
    files: dict[str, bytes] = {}
    for page in ctx.plan.pages[page_id].values():
        rel = page.item.rel
        if rel not in bodies:
            bodies[rel], found = job.bodies.render(page.item)
            problems.extend(found)
        item = pages.item_view(ctx, page, bodies[rel], job.media[rel])
        files[ctx.urls.item_path(page.lang, page_id)] = pages.render_item(ctx, page, item).encode()
    return files, problems


def reuse_cached(
    job: GroupJob, cache: PageCache, output: OutputFolder, page_ids: Sequence[str]
) -> tuple[dict[str, str | None], list[Diagnostic]]:
    """Keep the groups whose cached files are still in place; return the rest to render
    (``page_id`` → group key, or None for a group the cache has no entry for: its key is made
    where it is rendered, so a first build hashes its groups in every process, not only here)."""
    todo: dict[str, str | None] = {}
    problems: list[Diagnostic] = []
    for page_id in page_ids:
        if page_id not in cache.entries:
            todo[page_id] = None
            continue
        key = group_key(job, page_id)
        entry = cache.hit(page_id, key)
        if entry is not None and all(output.has_unchanged(r, k) for r, k in entry.files.items()):
            for rel, file_key in entry.files.items():
                output.keep(rel, file_key)
            sources = job.ctx.plan.files[page_id]
            if entry.sources != sources:  # a file no page shows came or went: same pages
                entry = structs.replace(entry, sources=sources)
            cache.keep(page_id, entry)
            problems.extend(entry.problems())
        else:
            todo[page_id] = key
    return todo, problems


def render_groups(
    job: GroupJob,
    output: OutputFolder,
    todo: Mapping[str, str | None],
    site_files: Mapping[str, SiteFile] | None = None,
) -> ChunkResult:
    """Render and write the groups (``page_id`` → key, None: not made yet) and the site-wide
    files given; in a process per core, taking batches as they are free, when worth it and safe
    to fork."""
    groups = list(todo.items())
    files = list((site_files or {}).items())
    if len(groups) < PARALLEL_THRESHOLD or not can_fork():
        return _render_chunks(job, output, iter([Chunk(groups, files)]))
    job.ctx.theme.load_all()  # once, shared by the forked workers
    batches = _batches(groups, files)
    results = run_shared(lambda chunks: _render_chunks(job, output, chunks), batches)
    merged = ChunkResult()
    for result in results:
        merged.entries.update(result.entries)
        merged.files.update(result.files)
        merged.written += result.written
        merged.unchanged += result.unchanged
        merged.conflicts += result.conflicts
        merged.bodies_rendered += result.bodies_rendered
    return merged


class Chunk(Struct, frozen=True):
    """One process's share: item groups (``page_id``, key) and site-wide files."""

    groups: list[tuple[str, str | None]]
    files: list[tuple[str, SiteFile]]


def _batches(
    groups: list[tuple[str, str | None]], files: list[tuple[str, SiteFile]]
) -> list[Chunk]:
    """The site-wide files (the homes hold every card: the costliest pages), then the groups in
    batches small enough that the process taking the last one does not keep the others
    waiting long (~30 ms each), and few enough to queue (:data:`MAX_BATCHES`)."""
    size = max(BATCH_GROUPS, -(-len(groups) // (MAX_BATCHES - 1)))
    return [Chunk([], files)] + [
        Chunk(groups[start : start + size], []) for start in range(0, len(groups), size)
    ]


def _render_chunks(job: GroupJob, output: OutputFolder, chunks: Iterator[Chunk]) -> ChunkResult:
    sink = output.child()
    result = ChunkResult()
    rendered_before = job.bodies.rendered  # a forked child starts from its parent's count
    for chunk in chunks:
        for rel, file in chunk.files:
            sink.write(rel, file.make().encode(), file.key)
        for page_id, group in chunk.groups:
            files, problems = render_group(job, page_id)
            keys = {rel: content_key(data) for rel, data in files.items()}
            for rel, data in files.items():
                sink.write(rel, data, keys[rel])
            key = group if group is not None else group_key(job, page_id)
            result.entries[page_id] = group_entry(job, page_id, key, keys, problems)
    result.files = sink.current
    result.bodies_rendered = job.bodies.rendered - rendered_before
    result.written, result.unchanged, result.conflicts = (
        sink.written,
        sink.unchanged,
        sink.conflicts,
    )
    return result
