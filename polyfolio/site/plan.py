"""Which item pages exist in which language, decided once before anything is rendered.

For every ``page_id`` and site language the plan says which :class:`Item` fills the page: the
real translation, the source as a fallback (with a notice) when the translation is missing, or
nothing when ``polyfolio.build.missing`` is ``hide``.  ``page_id`` values that cannot be a single
URL segment are refused here, so no later step can write outside its folder.
"""

from __future__ import annotations

import re

from msgspec import Struct, field

from polyfolio.content.site import Item, Site
from polyfolio.diagnostics import Diagnostic, Location, error, warning
from polyfolio.site.settings import BuildSettings

_UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f?#%]")


class PagePlan(Struct, frozen=True):
    page_id: str
    lang: str
    item: Item
    fallback: bool
    stale: bool


class SitePlan(Struct):
    languages: tuple[str, ...]
    source_lang: str
    order: list[str] = field(default_factory=list)
    pages: dict[str, dict[str, PagePlan]] = field(default_factory=dict)
    # page_id → every collection file of its group, pages or not: a file in a language the
    # site does not build still decides which item stands in as the source.
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def translations(self, page_id: str) -> list[str]:
        """Languages with a real (not fallback) page for this item, in site language order."""
        return [lang for lang, page in self.pages[page_id].items() if not page.fallback]

    def in_language(self, lang: str) -> list[PagePlan]:
        return [self.pages[pid][lang] for pid in self.order if lang in self.pages[pid]]

    def all_pages(self) -> list[PagePlan]:
        return [page for pid in self.order for page in self.pages[pid].values()]


def plan_site(site: Site, settings: BuildSettings) -> tuple[SitePlan, list[Diagnostic]]:
    plan = SitePlan(languages=site.languages, source_lang=site.source_lang)
    problems: list[Diagnostic] = [
        warning(
            item.location("lang") if item.lang_from == "lang" else Location(item.rel),
            f"language '{item.lang}' is not one of the site's languages "
            f"({', '.join(site.languages)}); not built",
        )
        for item in site.items
        if item.lang not in site.languages
    ]
    for page_id, group in sorted(site.groups.items(), key=lambda kv: _order_key(site, kv[1])):
        if not is_safe_page_id(page_id):
            first = next(iter(group.values()))
            where = first.location("page_id") if first.id_from == "page_id" else Location(first.rel)
            problems.append(error(where, f"page_id '{page_id}' cannot be used in a URL; skipped"))
            continue
        pages = _pages_of(site, settings, page_id, group)
        if pages:
            plan.order.append(page_id)
            plan.pages[page_id] = pages
            plan.files[page_id] = tuple(sorted(item.rel for item in group.values()))
    return plan, problems


def is_safe_page_id(page_id: str) -> bool:
    return (
        bool(page_id.strip())
        and page_id not in (".", "..")
        and len(page_id) <= 200
        and not _UNSAFE_ID.search(page_id)
    )


def _order_key(site: Site, group: dict[str, Item]) -> str:
    source = group.get(site.source_lang)
    return (source or next(iter(group.values()))).rel


def _pages_of(
    site: Site, settings: BuildSettings, page_id: str, group: dict[str, Item]
) -> dict[str, PagePlan]:
    source = group.get(site.source_lang) or next(iter(group.values()))
    pages: dict[str, PagePlan] = {}
    for lang in site.languages:
        item = group.get(lang)
        if item is not None:
            stale = item is not source and item.source_hash not in (None, source.md5)
            pages[lang] = PagePlan(page_id, lang, item, fallback=False, stale=stale)
        elif settings.missing == "fallback" and source.lang in site.languages:
            pages[lang] = PagePlan(page_id, lang, source, fallback=True, stale=False)
    return pages
