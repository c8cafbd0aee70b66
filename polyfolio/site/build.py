"""``build_site``: the whole static build, top to bottom, in one readable function.

load site → plan pages → render bodies (Liquid, then Markdown, once per item) → images →
render pages → write.  Everything is gathered in memory before the first byte is written, and
problems are collected as diagnostics rather than stopping at the first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from polyfolio.content.assets import asset_ref
from polyfolio.content.frontmatter import lookup
from polyfolio.content.site import Item, Site, load_site
from polyfolio.diagnostics import ContentError, Diagnostic, Location, Report, error, warning
from polyfolio.site import pages, views
from polyfolio.site.images import ImageStore, Variant
from polyfolio.site.liquid import LiquidRenderer
from polyfolio.site.markdown import MarkdownRenderer
from polyfolio.site.output import OutputFolder, check_output_folder
from polyfolio.site.pages import STATIC_FOLDER, ItemParts, RenderContext
from polyfolio.site.plan import SitePlan, plan_site
from polyfolio.site.settings import BuildSettings, build_settings
from polyfolio.site.sitemap import SitemapEntry, robots_txt, sitemap_xml
from polyfolio.site.strings import read_sitetext, sitetext_strings, strings_for
from polyfolio.site.theme import OVERRIDES, Theme
from polyfolio.site.urls import SiteUrls
from polyfolio.site.views import ImageView

DEFAULT_OUT = "_site"
CACHE_DIR = ".polyfolio/cache"
ASSETS = "assets"
IMAGE_FOLDER = f"{STATIC_FOLDER}/img"


@dataclass(slots=True)
class BuildResult:
    out: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    images_made: int = 0
    images_reused: int = 0
    written: int = 0
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def build_site(root: Path, out: Path | None = None) -> BuildResult:
    """Build ``root`` into ``out`` (default ``root/_site``); raises OutputRefused for an unsafe
    output folder before anything is written."""
    started = time.perf_counter()
    root = root.resolve()
    report = Report()
    try:
        site = load_site(root)
        settings = build_settings(site.config)
    except ContentError as exc:
        return BuildResult(out=out or root / DEFAULT_OUT, diagnostics=[exc.diagnostic])
    report.extend(site.problems)
    out_dir = check_output_folder(out or root / DEFAULT_OUT, root, _read_dirs(site))

    plan, problems = plan_site(site, settings)
    report.extend(problems)
    ctx = _render_context(site, plan, settings, report)
    store = ImageStore(root, root / CACHE_DIR / "images")
    parts = _item_parts(site, plan, ctx, store, settings, report)

    files: dict[str, bytes] = {}
    for lang in plan.languages:
        files[ctx.urls.home_path(lang)] = pages.render_home(ctx, lang, parts).encode()
        files[ctx.urls.not_found_path(lang)] = pages.render_not_found(ctx, lang).encode()
    for page in plan.all_pages():
        item = pages.item_view(ctx, page, parts[page.item.rel])
        files[ctx.urls.item_path(page.lang, page.page_id)] = pages.render_item(
            ctx, page, item
        ).encode()
        files[ctx.urls.fragment_path(page.lang, page.page_id)] = pages.render_fragment(
            ctx, page, item
        ).encode()
    files["sitemap.xml"] = sitemap_xml(_sitemap_entries(ctx)).encode()
    files["robots.txt"] = robots_txt(ctx.urls.absolute(ctx.urls.url("sitemap.xml"))).encode()
    copies = dict(_site_assets(root))
    copies.update({f"{STATIC_FOLDER}/{n}": p for n, p in ctx.theme.static_files.items()})
    variants = {f"{IMAGE_FOLDER}/{v.name}": store.variant_path(v) for v in _used_variants(store)}

    output = OutputFolder(out_dir)
    output.begin([*files, *copies, *variants])
    for rel, data in files.items():
        output.write(rel, data)
    for rel, source in copies.items():
        stat = source.stat()
        output.copy(rel, source, f"{stat.st_size}:{stat.st_mtime_ns}")
    for rel, source in variants.items():
        output.copy(rel, source, source.name)
    deleted = output.finish()
    report.extend(
        error(_location(out_dir / rel), "exists and was not written by polyfolio; left untouched")
        for rel in output.conflicts
    )

    return BuildResult(
        out=out_dir,
        diagnostics=list(report.sorted()),
        pages=sum(rel.endswith(".html") and not rel.endswith("fragment.html") for rel in files),
        images_made=store.counts.made,
        images_reused=store.counts.reused,
        written=output.written,
        unchanged=output.unchanged,
        deleted=deleted,
        seconds=time.perf_counter() - started,
    )


def _read_dirs(site: Site) -> list[Path]:
    """Folders the build reads from; the output folder may not be inside any of them."""
    root = site.root
    return [root / site.config.collection_dir, root / ASSETS, root / OVERRIDES, root / ".polyfolio"]


def _render_context(
    site: Site, plan: SitePlan, settings: BuildSettings, report: Report
) -> RenderContext:
    config = site.config
    codes = config.codes
    sitetext = read_sitetext(site.root, report.items)
    strings = {
        lang: strings_for(
            lang,
            codes,
            settings.strings,
            sitetext_strings(sitetext, lang, codes.to_bcp47(lang), lang == site.source_lang),
        )
        for lang in plan.languages
    }
    if not config.url:
        report.add(
            warning(
                config.location("url")
                if "url" in config.raw
                else _location(site.root / "_config.yml"),
                "url is not set: canonical, hreflang and sitemap URLs will be relative",
            )
        )
    return RenderContext(
        site_title=config.title,
        description=config.description,
        urls=SiteUrls(
            baseurl=config.baseurl,
            site_url=config.url,
            source_lang=site.source_lang,
            default_lang_at_root=settings.default_lang_at_root,
            collection=config.collection,
        ),
        codes=codes,
        plan=plan,
        settings=settings,
        theme=Theme(site.root),
        strings=strings,
    )


def _item_parts(
    site: Site,
    plan: SitePlan,
    ctx: RenderContext,
    store: ImageStore,
    settings: BuildSettings,
    report: Report,
) -> dict[str, ItemParts]:
    """Body HTML and image views of every item in use, each made once for all languages."""
    items = {page.item.rel: page.item for page in plan.all_pages()}
    image_fields = {rel: _image_fields(item, site.root, report) for rel, item in items.items()}
    wanted = {ref for fields in image_fields.values() for ref in fields.values() if ref}
    unreadable = store.prepare(wanted, workers=min(2, os.cpu_count() or 1))
    markdown = MarkdownRenderer(raw_html=settings.raw_html)
    liquid = LiquidRenderer(_liquid_site(site))
    parts: dict[str, ItemParts] = {}
    for rel, item in items.items():
        text, problems = liquid.render(
            item.document.body, {**item.data, "lang": item.lang}, rel, item.document.body_line
        )
        report.extend(problems)
        fields = image_fields[rel]
        for keys, ref in fields.items():
            if ref in unreadable:
                report.add(error(item.location(*keys), unreadable[ref]))
        alt = views.text(item.data, "alt")
        parts[rel] = ItemParts(
            body=Markup(markdown.render(text)),
            image=_image_view(
                ctx, store, item, ("image",), fields, unreadable, alt, views.DETAIL_SIZES
            ),
            thumbnail=_image_view(
                ctx,
                store,
                item,
                ("caption", "thumbnail") if ("caption", "thumbnail") in fields else ("image",),
                fields,
                unreadable,
                alt or views.card_title(item),
                views.THUMBNAIL_SIZES,
            ),
        )
    return parts


KeyPath = tuple[str, ...]


def _image_fields(item: Item, root: Path, report: Report) -> dict[KeyPath, str | None]:
    """Site-relative image of each image field (None for a remote one); missing → error."""
    found: dict[KeyPath, str | None] = {}
    for keys in (("image",), ("caption", "thumbnail")):
        value = lookup(item.data, keys)
        if not isinstance(value, str) or not value.strip():
            continue
        ref = asset_ref(value, root)
        if ref.remote:
            found[keys] = None
        elif ref.exists_in(root):
            found[keys] = ref.rel
        else:
            report.add(error(item.location(*keys), f"image not found: {value.strip()}"))
    return found


def _image_view(
    ctx: RenderContext,
    store: ImageStore,
    item: Item,
    keys: KeyPath,
    fields: Mapping[KeyPath, str | None],
    unreadable: Mapping[str, str],
    alt: str,
    sizes: str,
) -> ImageView | None:
    if keys not in fields:
        return None
    rel = fields[keys]
    if rel is None:
        value = lookup(item.data, keys)
        return ImageView(src=asset_ref(str(value), Path(".")).raw, alt=alt)
    if rel in unreadable:
        return None
    info = store.info(rel)
    if info is None or not info.variants:
        return ImageView(src=ctx.urls.url(rel), alt=alt)
    chosen = max(
        (v for v in info.variants if v.width <= 800),
        key=lambda v: v.width,
        default=info.variants[0],
    )
    return ImageView(
        src=ctx.urls.url(f"{IMAGE_FOLDER}/{chosen.name}"),
        alt=alt,
        width=chosen.width,
        height=chosen.height,
        srcset=", ".join(
            f"{ctx.urls.url(f'{IMAGE_FOLDER}/{v.name}')} {v.width}w" for v in info.variants
        ),
        sizes=sizes,
    )


def _liquid_site(site: Site) -> dict[str, object]:
    config = site.config
    return {**config.raw, "title": config.title, "url": config.url, "baseurl": config.baseurl}


def _sitemap_entries(ctx: RenderContext) -> list[SitemapEntry]:
    plan, urls = ctx.plan, ctx.urls
    home_alternates = views.home_alternates(plan, urls, ctx.codes)
    entries = [
        SitemapEntry(urls.absolute(urls.home(lang)), home_alternates) for lang in plan.languages
    ]
    for page_id in plan.order:
        alternates = views.item_alternates(plan, urls, ctx.codes, page_id)
        entries.extend(
            SitemapEntry(urls.absolute(urls.item(lang, page_id)), alternates)
            for lang in plan.translations(page_id)
        )
    return entries


def _site_assets(root: Path) -> Iterator[tuple[str, Path]]:
    """The site's own ``assets/`` files (no hidden files, no symlinks leading out)."""
    base = root / ASSETS
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or not path.resolve().is_relative_to(root):
                continue
            yield path.relative_to(root).as_posix(), path


def _used_variants(store: ImageStore) -> Iterator[Variant]:
    for info in store.infos():
        yield from info.variants


def _location(path: Path) -> Location:
    return Location(str(path))
