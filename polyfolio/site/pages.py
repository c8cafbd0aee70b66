"""Rendering each kind of page (home, item, 404) from views, one function each.

:class:`RenderContext` holds what is shared by every page of a build (URLs, strings per language,
the theme); it is built once and read by everything, never changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup
from msgspec import Struct

from polyfolio.site import views
from polyfolio.site.plan import PagePlan, SitePlan
from polyfolio.site.settings import BuildSettings
from polyfolio.site.theme import Theme
from polyfolio.site.urls import SiteUrls
from polyfolio.site.views import CardView, ImageView, ItemView, PageView

STATIC_FOLDER = "assets/polyfolio"


class RenderContext(Struct, frozen=True):
    site_title: str
    description: str
    urls: SiteUrls
    plan: SitePlan
    settings: BuildSettings
    theme: Theme
    strings: Mapping[str, Mapping[str, str]]
    languages: Mapping[str, views.Language]
    key: str  # hash of everything above that shapes a page: part of every page cache key

    def title_in(self, lang: str) -> str:
        """The site's name in a language: ``polyfolio.build.strings.<lang>.site_title``, else the
        ``_config.yml`` title (a brand name often stays as it is)."""
        return self.strings[lang].get("site_title") or self.site_title

    def static_url(self, name: str) -> str:
        """A static file's URL with a short hash of its bytes, so browsers never use a stale one."""
        return self.urls.url(f"{STATIC_FOLDER}/{name}") + f"?v={self.theme.static_keys[name]}"

    def page_view(
        self,
        lang: str,
        title: str,
        canonical: str,
        alternates: tuple[tuple[str, str], ...],
        page_id: str | None = None,
    ) -> PageView:
        return PageView(
            lang=lang,
            tag=self.languages[lang].tag,
            title=title,
            description=self.description,
            site_title=self.title_in(lang),
            canonical=canonical,
            alternates=alternates,
            switcher=views.switcher(self.plan, self.urls, self.languages, lang, page_id),
            home_url=self.urls.home(lang),
            css_url=self.static_url("polyfolio.css"),
            js_url=self.static_url("polyfolio.js"),
            icon_url=self.static_url("favicon.svg"),
            strings=self.strings[lang],
        )


class ItemMedia(Struct, frozen=True):
    """An item's images as views, prepared once and shared by every language and page."""

    image: ImageView | None
    thumbnail: ImageView | None
    files: tuple[str, ...] = ()  # the site's image files (rels) shown, for the page cache

    def key(self) -> tuple[object, ...]:
        """Every field, as plain tuples (for cache keys)."""
        return (views.image_key(self.image), views.image_key(self.thumbnail), self.files)


def home_cards(ctx: RenderContext, lang: str, media: Mapping[str, ItemMedia]) -> list[CardView]:
    return [card_view(ctx, lang, page, media[page.item.rel]) for page in ctx.plan.in_language(lang)]


def card_view(ctx: RenderContext, lang: str, page: PagePlan, media: ItemMedia) -> CardView:
    """The home card of one page (``page`` in ``lang``)."""
    return CardView(
        page_id=page.page_id,
        url=ctx.urls.item(lang, page.page_id),
        title=views.card_title(page.item),
        subtitle=views.text(page.item.data, "caption", "subtitle"),
        thumbnail=media.thumbnail,
        content_lang=views.content_lang(page, ctx.languages),
    )


def render_home(ctx: RenderContext, lang: str, cards: list[CardView]) -> str:
    strings = ctx.strings[lang]
    hero_title = strings.get("hero_title") or ctx.title_in(lang) or strings["portfolio"]
    page = ctx.page_view(
        lang,
        title=ctx.title_in(lang) or strings["portfolio"],
        canonical=ctx.urls.absolute(ctx.urls.home(lang)),
        alternates=views.home_alternates(ctx.plan, ctx.urls, ctx.languages),
    )
    return ctx.theme.render(
        "home.html",
        page=page,
        cards=cards,
        hero_title=hero_title,
        hero_text=strings.get("hero_text") or ctx.description,
    )


def item_view(ctx: RenderContext, page: PagePlan, body: Markup, media: ItemMedia) -> ItemView:
    return ItemView(
        page_id=page.page_id,
        url=ctx.urls.item(page.lang, page.page_id),
        title=views.item_title(page.item),
        subtitle=views.text(page.item.data, "subtitle"),
        image=media.image,
        body=body,
        content_lang=views.content_lang(page, ctx.languages),
        notice=views.notice(page, ctx.strings[page.lang], ctx.settings.stale_notice),
    )


def render_item(ctx: RenderContext, page: PagePlan, item: ItemView) -> str:
    site_title = ctx.title_in(page.lang)
    title = f"{item.title} · {site_title}" if site_title else item.title
    view = ctx.page_view(
        page.lang,
        title=title,
        canonical=views.item_canonical(ctx.plan, ctx.urls, page),
        alternates=views.item_alternates(ctx.plan, ctx.urls, ctx.languages, page.page_id),
        page_id=page.page_id,
    )
    return ctx.theme.render("item.html", page=view, item=item)


def render_root_redirect(ctx: RenderContext) -> str:
    """``/`` when every language has its own folder: sends visitors to the source language."""
    lang = ctx.plan.source_lang
    target = ctx.urls.home(lang)
    view = ctx.page_view(
        lang,
        title=ctx.title_in(lang) or ctx.strings[lang]["portfolio"],
        canonical=ctx.urls.absolute(target),
        alternates=views.home_alternates(ctx.plan, ctx.urls, ctx.languages),
    )
    return ctx.theme.render("redirect.html", page=view, target=target)


def render_not_found(ctx: RenderContext, lang: str) -> str:
    strings = ctx.strings[lang]
    view = ctx.page_view(lang, title=strings["not_found_title"], canonical="", alternates=())
    return ctx.theme.render("404.html", page=view)
