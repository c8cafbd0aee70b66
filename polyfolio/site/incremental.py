"""The one-item rebuild: when only collection files changed since the last build, look only at
the item groups they touch.

Why this is safe: the last build's record (:meth:`polyfolio.site.freshness.Watch.last_collection`)
vouches that everything but the collection stands as that build found it: the environment,
polyfolio's code, config, data, assets and theme overrides, every image an item showed, and every
file it wrote (its manifest untouched).  The page cache saved by that same build (its ``build``
is the record's ``taken``) holds, per group, its collection files (pages or not: a file in a
language the site does not build may stand in as its source), the images they show, its home
cards' keys, its files and diagnostics; its ``context`` key (theme, settings, strings,
languages, URLs) must equal this build's.  A group's pages and cards depend
only on its own files, its images and that context, so a group none of whose files changed
(by md5 against the record, which ``polyfolio status`` re-stamping cannot hide) and which
gained no changed file would come out of a full build exactly as its entry says: its entry is
kept as a cache hit would be.  Every other group goes through the usual cache check and
rendering.  Any doubt means the full path.
"""

from __future__ import annotations

from msgspec import Struct

from polyfolio.content.site import Site
from polyfolio.site.cache import GroupEntry, PageCache
from polyfolio.site.freshness import LastBuild
from polyfolio.site.output import OutputFolder
from polyfolio.site.plan import SitePlan


class Scope(Struct, frozen=True):
    """The groups to examine (in plan order) and those kept from the cache as they are."""

    examined: list[str]
    kept: dict[str, GroupEntry]
    rels: set[str]  # collection files of the examined groups' pages: the items needing views

    @property
    def kept_images(self) -> set[str]:
        return {image for entry in self.kept.values() for image in entry.images}


def narrow(
    site: Site,
    plan: SitePlan,
    context: str,
    cache: PageCache,
    output: OutputFolder,
    last: LastBuild | None,
) -> Scope | None:
    """The groups this build must examine, or None when the full path must run."""
    if last is None or cache.build != last.taken_ns or cache.context != context:
        return None
    now = {rel: str(entry[1]) for rel, entry in site.stamps.items()}
    before = last.collection
    changed = {rel for rel in now.keys() | before.keys() if now.get(rel) != before.get(rel)}
    touched = {item.page_id for item in site.items if item.rel in changed}
    touched.update(
        page_id for page_id, entry in cache.entries.items() if not changed.isdisjoint(entry.sources)
    )
    if any(page_id not in plan.pages for page_id in cache.entries.keys() - touched):
        return None  # a group gone for no changed file of its own: not this path's business
    examined: list[str] = []
    kept: dict[str, GroupEntry] = {}
    for page_id in plan.order:
        if page_id in touched:
            examined.append(page_id)
            continue
        entry = cache.entries.get(page_id)
        if entry is None or not _stands(entry, plan, page_id, output):
            return None
        kept[page_id] = entry
    rels = {page.item.rel for page_id in examined for page in plan.pages[page_id].values()}
    return Scope(examined, kept, rels)


def _stands(entry: GroupEntry, plan: SitePlan, page_id: str, output: OutputFolder) -> bool:
    """The entry is of the same files and languages, and the output folder holds its files
    (the record vouched they are there and untouched)."""
    group = plan.pages[page_id]
    return (
        entry.sources == plan.files[page_id]
        and entry.cards.keys() == group.keys()
        and all(output.previous.get(rel) == key for rel, key in entry.files.items())
    )
