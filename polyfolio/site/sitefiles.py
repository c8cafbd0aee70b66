"""Site-wide files: the homes, 404 pages, the root redirect, sitemap.xml and robots.txt.

Each is known by a key that hashes everything it is made of, so a rebuild remakes only those
whose inputs changed; making one is deferred (:attr:`SiteFile.make`) so it can run in whichever
process has the least else to do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import partial

from msgspec import Struct

from polyfolio.site import pages, views
from polyfolio.site.pages import ItemMedia, RenderContext
from polyfolio.site.sitemap import SitemapEntry, robots_txt, sitemap_xml
from polyfolio.site.views import CardView


class SiteFile(Struct, frozen=True):
    """A site-wide file: a key hashing its inputs, and how to make it."""

    key: str
    make: Callable[[], str]


def site_files(
    ctx: RenderContext,
    card_digests: Mapping[str, list[str]],
    cards: Callable[[str], list[CardView]],
) -> dict[str, SiteFile]:
    """Output path → file, for every site-wide file of the build; a home is known by its cards'
    digests (``card_digests``: language → in plan order) and made from ``cards`` (language →
    card views, asked only when it is made)."""
    files: dict[str, SiteFile] = {}
    for lang in ctx.plan.languages:
        keys = card_digests[lang]
        files[ctx.urls.home_path(lang)] = SiteFile(
            _key(ctx, "home", lang, keys), partial(_render_home, ctx, lang, cards)
        )
        files[ctx.urls.not_found_path(lang)] = SiteFile(
            _key(ctx, "404", lang), partial(pages.render_not_found, ctx, lang)
        )
    if not ctx.settings.default_lang_at_root:
        files["index.html"] = SiteFile(_key(ctx, "root"), partial(pages.render_root_redirect, ctx))
    translations = [(page_id, ctx.plan.translations(page_id)) for page_id in ctx.plan.order]
    files["sitemap.xml"] = SiteFile(
        _key(ctx, "sitemap", translations), lambda: sitemap_xml(_sitemap_entries(ctx))
    )
    robots = robots_txt(ctx.urls.absolute(ctx.urls.url("sitemap.xml")))
    files["robots.txt"] = SiteFile(_key(ctx, robots), lambda: robots)
    return files


def all_cards(
    ctx: RenderContext, media: Mapping[str, ItemMedia]
) -> tuple[dict[str, list[str]], dict[str, list[CardView]]]:
    """Every home's cards and their digests (language → in plan order)."""
    cards = {lang: pages.home_cards(ctx, lang, media) for lang in ctx.plan.languages}
    keys = {lang: [views.card_digest(card) for card in found] for lang, found in cards.items()}
    return keys, cards


def _render_home(ctx: RenderContext, lang: str, cards: Callable[[str], list[CardView]]) -> str:
    return pages.render_home(ctx, lang, cards(lang))


def _key(ctx: RenderContext, *inputs: object) -> str:
    return hashlib.blake2b(repr((ctx.key, inputs)).encode(), digest_size=16).hexdigest()


def _sitemap_entries(ctx: RenderContext) -> list[SitemapEntry]:
    plan, urls = ctx.plan, ctx.urls
    home_alternates = views.home_alternates(plan, urls, ctx.languages)
    entries = [
        SitemapEntry(urls.absolute(urls.home(lang)), home_alternates) for lang in plan.languages
    ]
    for page_id in plan.order:
        alternates = views.item_alternates(plan, urls, ctx.languages, page_id)
        entries.extend(
            SitemapEntry(urls.absolute(urls.item(lang, page_id)), alternates)
            for lang in plan.translations(page_id)
        )
    return entries
