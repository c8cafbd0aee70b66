"""Read-only views that templates see, built from the plan; templates never touch an Item.

Front matter values arrive here as plain text and stay plain text: Jinja2 escapes them on
output, so a ``<script>`` in a title shows as text.  The agency theme's habit of putting ``<br>``
in titles is honoured by turning it into a space before escaping.  Only the rendered body is
markup (the author's own Markdown).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

from markupsafe import Markup
from msgspec import Struct

from polyfolio.content.frontmatter import lookup
from polyfolio.content.languages import LanguageCodes
from polyfolio.content.site import Item
from polyfolio.site.plan import PagePlan, SitePlan
from polyfolio.site.urls import SiteUrls

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

THUMBNAIL_SIZES = "(min-width: 1200px) 360px, (min-width: 720px) 45vw, 100vw"
DETAIL_SIZES = "(min-width: 960px) 880px, 100vw"


class ImageView(Struct, frozen=True):
    src: str
    alt: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sizes: str = ""


@dataclass(frozen=True)
class Language:
    """A site language: its code as the site writes it, its BCP 47 tag, its own name (looked
    up on first use: the name data is slow to load and cached builds never need it).  A dataclass,
    not a :class:`msgspec.Struct`: ``codes`` stays out of its equality and repr (a cache key)."""

    code: str
    tag: str
    codes: LanguageCodes = field(repr=False, compare=False)

    @cached_property
    def name(self) -> str:
        return self.codes.display_name(self.code)


class LinkView(Struct, frozen=True):
    lang: str
    tag: str
    name: str
    href: str
    current: bool


class CardView(Struct, frozen=True):
    page_id: str
    url: str
    title: str
    subtitle: str
    thumbnail: ImageView | None
    content_lang: str | None


# Cache keys hash views as plain tuples of their fields: a repr of the views costs several times
# more, thousands of times per build.  Built from the field lists, so a new field is keyed too.
_IMAGE_FIELDS = attrgetter(*ImageView.__struct_fields__)
_CARD_FIELDS = attrgetter(*(name for name in CardView.__struct_fields__ if name != "thumbnail"))

PlainKey = tuple[object, ...]


def image_key(view: ImageView | None) -> PlainKey | None:
    return None if view is None else _IMAGE_FIELDS(view)


def card_key(card: CardView) -> PlainKey:
    return (_CARD_FIELDS(card), image_key(card.thumbnail))


def card_digest(card: CardView) -> str:
    """:func:`card_key`, hashed: what a home's key is made of (and the page cache keeps)."""
    return hashlib.blake2b(repr(card_key(card)).encode(), digest_size=16).hexdigest()


class ItemView(Struct, frozen=True):
    page_id: str
    url: str
    title: str
    subtitle: str
    image: ImageView | None
    body: Markup
    content_lang: str | None
    notice: str | None


class PageView(Struct, frozen=True):
    """What every page template knows about the page it renders."""

    lang: str
    tag: str
    title: str
    description: str
    site_title: str
    canonical: str
    alternates: tuple[tuple[str, str], ...]
    switcher: tuple[LinkView, ...]
    home_url: str
    css_url: str
    js_url: str
    icon_url: str
    strings: Mapping[str, str]


def text(data: Mapping[str, Any], *keys: str) -> str:
    """A front matter value as display text ('' when absent or not text)."""
    value = lookup(data, keys)
    if not isinstance(value, str):
        return ""
    return (_BREAK.sub(" ", value) if "<" in value else value).strip()  # most have no tag


def item_title(item: Item) -> str:
    return text(item.data, "title") or text(item.data, "caption", "title") or item.page_id


def card_title(item: Item) -> str:
    return text(item.data, "caption", "title") or text(item.data, "title") or item.page_id


def content_lang(page: PagePlan, languages: Mapping[str, Language]) -> str | None:
    """The BCP 47 tag of a fallback's content, which differs from its page's language."""
    return languages[page.item.lang].tag if page.fallback else None


def notice(page: PagePlan, strings: Mapping[str, str], stale_notice: bool) -> str | None:
    if page.fallback:
        return strings["missing_notice"]
    if page.stale and stale_notice:
        return strings["stale_notice"]
    return None


def switcher(
    plan: SitePlan,
    urls: SiteUrls,
    languages: Mapping[str, Language],
    lang: str,
    page_id: str | None,
) -> tuple[LinkView, ...]:
    """Links to the same item in every language (its page if built there, else that home)."""
    links = []
    for other in plan.languages:
        built = page_id is not None and other in plan.pages.get(page_id, {})
        href = urls.item(other, page_id) if built and page_id is not None else urls.home(other)
        links.append(
            LinkView(
                lang=other,
                tag=languages[other].tag,
                name=languages[other].name,
                href=href,
                current=other == lang,
            )
        )
    return tuple(links)


def home_alternates(
    plan: SitePlan, urls: SiteUrls, languages: Mapping[str, Language]
) -> tuple[tuple[str, str], ...]:
    pairs = [(languages[lang].tag, urls.absolute(urls.home(lang))) for lang in plan.languages]
    return (*pairs, ("x-default", urls.absolute(urls.home(plan.source_lang))))


def item_alternates(
    plan: SitePlan, urls: SiteUrls, languages: Mapping[str, Language], page_id: str
) -> tuple[tuple[str, str], ...]:
    real = plan.translations(page_id)
    if not real:
        return ()
    pairs = [(languages[lang].tag, urls.absolute(urls.item(lang, page_id))) for lang in real]
    default = plan.source_lang if plan.source_lang in real else real[0]
    return (*pairs, ("x-default", urls.absolute(urls.item(default, page_id))))


def item_canonical(plan: SitePlan, urls: SiteUrls, page: PagePlan) -> str:
    """A real page is its own canonical; a fallback points at the page it copies."""
    lang = (
        page.item.lang
        if page.fallback and page.item.lang in plan.pages[page.page_id]
        else page.lang
    )
    return urls.absolute(urls.item(lang, page.page_id))
