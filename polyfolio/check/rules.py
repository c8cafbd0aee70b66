"""The rules of ``polyfolio check``, each a small function from a site to diagnostics."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from polyfolio.content.assets import asset_ref
from polyfolio.content.frontmatter import lookup
from polyfolio.content.languages import COUNTRY_AS_LANGUAGE
from polyfolio.content.site import Item, Site
from polyfolio.diagnostics import ContentError, Diagnostic, error, warning

Rule = Callable[[Site], Iterator[Diagnostic]]

IMAGE_FIELDS: tuple[tuple[str, ...], ...] = (("image",), ("caption", "thumbnail"))
_SAFE_ID = re.compile(r"^[\w][\w.-]*$")


def check_site(site: Site) -> list[Diagnostic]:
    found = list(site.problems)
    for rule in RULES:
        found.extend(rule(site))
    return sorted(found, key=lambda d: (d.location, d.level, d.message))


def missing_images(site: Site) -> Iterator[Diagnostic]:
    for item in site.items:
        for keys in IMAGE_FIELDS:
            value = lookup(item.data, keys)
            if not isinstance(value, str) or not value.strip():
                continue
            ref = asset_ref(value, site.root)
            if ref.remote:
                continue
            where = item.location(*keys)
            if ref.backslashes:
                yield warning(where, f"'{value}' uses backslashes", "write paths with '/'")
            if not ref.exists_in(site.root):
                yield error(where, f"image '{value}' not found in the site")


def missing_alt(site: Site) -> Iterator[Diagnostic]:
    for item in site.items:
        image = item.data.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        alt = item.data.get("alt")
        if not isinstance(alt, str) or not alt.strip():
            where = item.location("alt") if "alt" in item.data else item.location("image")
            yield error(where, "image has no alt text", "describe the image in 'alt'")


def empty_titles(site: Site) -> Iterator[Diagnostic]:
    for item in site.items:
        title = _text(item, ("title",))
        card = _text(item, ("caption", "title"))
        if not title and not card:
            yield error(item.location("title"), "item has neither 'title' nor 'caption.title'")
        elif not title:
            yield warning(item.location("title"), "empty 'title' (the detail view has no heading)")
        elif not card:
            yield warning(item.location("caption"), "empty 'caption.title' (the card has no name)")


def language_codes(site: Site) -> Iterator[Diagnostic]:
    codes = site.config.codes
    hinted: set[str] = set()
    for item in site.items:
        where = item.location("lang") if item.lang_from == "lang" else item.location()
        if not codes.is_known(item.lang):
            yield error(where, f"unknown language code '{item.lang}'")
        elif not codes.is_standard(item.lang) and item.lang not in codes.overrides:
            if item.lang in hinted:
                continue
            hinted.add(item.lang)
            standard = codes.to_bcp47(item.lang)
            origin = "a country code" if item.lang in COUNTRY_AS_LANGUAGE else "not BCP 47"
            yield warning(
                where,
                f"language code '{item.lang}' is {origin}; BCP 47 says '{standard}'",
                f"kept as written; set polyfolio.bcp47: {{{item.lang}: {standard}}} to confirm",
            )


def unsafe_ids(site: Site) -> Iterator[Diagnostic]:
    for item in site.items:
        if not _SAFE_ID.match(item.page_id) or ".." in item.page_id:
            yield error(
                item.location("page_id") if item.id_from == "page_id" else item.location(),
                f"page_id '{item.page_id}' cannot be used in a URL or file name",
                "use letters, digits, '-', '_' and '.'",
            )


def orphans(site: Site) -> Iterator[Diagnostic]:
    for page_id, versions in site.groups.items():
        if site.source_lang in versions:
            continue
        for item in versions.values():
            yield warning(
                item.location("page_id") if item.id_from == "page_id" else item.location(),
                f"page_id '{page_id}' has no {site.source_lang} source item",
            )


def lang_mismatch(site: Site) -> Iterator[Diagnostic]:
    for item in site.items:
        parts = item.rel.rsplit("/", 1)[-1].split(".")
        named = parts[-2] if len(parts) > 2 else None
        if item.lang_from == "lang" and named in site.languages and named != item.lang:
            yield warning(
                item.location("lang"), f"file name says '{named}' but lang is '{item.lang}'"
            )


def translation_consistency(site: Site) -> Iterator[Diagnostic]:
    """Glossary terms not followed, and one source text translated two ways (the seeds' defects)."""
    from polyfolio.translate.consistency import consistency_warnings
    from polyfolio.translate.settings import load_translate_settings

    try:
        settings = load_translate_settings(site.config, root=site.root)
    except ContentError as exc:
        yield exc.diagnostic
        return
    yield from consistency_warnings(site, settings.translatable, settings.glossary)


def _text(item: Item, keys: tuple[str, ...]) -> str:
    value = lookup(item.data, keys)
    return value.strip() if isinstance(value, str) else ""


RULES: tuple[Rule, ...] = (
    missing_images,
    missing_alt,
    empty_titles,
    language_codes,
    unsafe_ids,
    orphans,
    lang_mismatch,
    translation_consistency,
)
