"""``build_site``: the whole static build, top to bottom.

load site → check the output folder → plan pages → context and images → site-wide pages →
item groups (one ``page_id`` in every language: from the page cache when their inputs are
unchanged, else rendered, in two processes when there are many) → copies → delete stale files.
Problems are collected as diagnostics rather than stopping at the first; only an unsafe output
folder (:class:`~polyfolio.site.output.OutputRefused`) stops it, before anything is written.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from polyfolio.content.site import Site, load_site
from polyfolio.diagnostics import ContentError, Location, Report, error, warning
from polyfolio.site import pages, views
from polyfolio.site.body import BodyRenderer
from polyfolio.site.cache import PageCache
from polyfolio.site.freshness import Watch
from polyfolio.site.groups import GroupJob, render_groups, reuse_cached
from polyfolio.site.images import ImageStore
from polyfolio.site.media import IMAGE_FOLDER, item_media
from polyfolio.site.output import OutputFolder, check_output_folder
from polyfolio.site.pages import STATIC_FOLDER, ItemMedia, RenderContext
from polyfolio.site.plan import SitePlan, plan_site
from polyfolio.site.result import DEFAULT_OUT, BuildResult
from polyfolio.site.settings import BuildSettings, build_settings
from polyfolio.site.sitemap import SitemapEntry, robots_txt, sitemap_xml
from polyfolio.site.strings import read_sitetext, sitetext_strings, strings_for
from polyfolio.site.theme import OVERRIDES, Theme
from polyfolio.site.urls import SiteUrls

CACHE_DIR = ".polyfolio/cache"
ASSETS = "assets"


def build_site(root: Path, out: Path | None = None, watch: Watch | None = None) -> BuildResult:
    """Build ``root`` into ``out`` (default ``root/_site``); raises OutputRefused for an unsafe
    output folder before anything is written.  When nothing changed since the last build, its
    result stands (:mod:`polyfolio.site.freshness`; ``watch``: that check, made by the caller)."""
    with _long_lived_objects():
        return _build_site(root, out, watch)


def _build_site(root: Path, out: Path | None, watch: Watch | None) -> BuildResult:
    root = root.resolve()
    watch = watch or Watch(root, out or root / DEFAULT_OUT)
    started = watch.started
    reused = watch.reuse()
    if reused is not None:
        return reused
    report = Report()
    try:
        site = load_site(root)
        settings = build_settings(site.config)
    except ContentError as exc:
        return BuildResult(out=out or root / DEFAULT_OUT, diagnostics=[exc.diagnostic])
    watch.note_images(site)
    report.extend(site.problems)
    out_dir = check_output_folder(out or root / DEFAULT_OUT, root, _read_dirs(site))
    watch.forget()
    gc.freeze()  # the loaded site lives as long as the build: see _long_lived_objects
    try:
        result = _build(site, settings, out_dir, report, started)
    except ContentError as exc:  # a broken template: reported like any content problem
        report.add(exc.diagnostic)
        return BuildResult(out=out_dir, diagnostics=list(report.sorted()))
    watch.record(site, result)
    return result


@contextlib.contextmanager
def _long_lived_objects() -> Iterator[None]:
    """A build makes thousands of objects that live until it ends (items, views, keys): the
    cyclic collector scanning them again and again cost ~15 ms of a no-change rebuild and ~40 ms
    when one item changed.  Collect young objects less often and leave the loaded site out of
    full collections (forked workers then also keep the pages holding it shared); restored at
    the end, so a long-running dev server collects everything as usual."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 20_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _build(
    site: Site, settings: BuildSettings, out_dir: Path, report: Report, started: float
) -> BuildResult:
    root = site.root
    # Decide every page, then gather what pages are made of: context, images.
    plan, problems = plan_site(site, settings)
    report.extend(problems)
    ctx = _render_context(site, plan, settings, report)
    store = ImageStore(root, root / CACHE_DIR / "images")
    media = item_media(site, plan, ctx, store, report)
    bodies = BodyRenderer(_liquid_site(site), settings.raw_html, ctx.urls.url(""))
    job = GroupJob(ctx, media, bodies)

    # Site-wide pages whose inputs changed are rendered before anything is written.
    output = OutputFolder(out_dir)
    site_files = _site_files(ctx, media)
    fresh = {
        rel: file.make().encode()
        for rel, file in site_files.items()
        if not output.has_unchanged(rel, file.key)
    }
    copies = dict(_site_assets(root))
    copies.update({f"{STATIC_FOLDER}/{n}": p for n, p in ctx.theme.static_files.items()})
    copies.update({f"{IMAGE_FOLDER}/{v.name}": store.variant_path(v) for v in store.variants()})

    # Write: item groups from the cache or rendered (in two processes when many), then the rest.
    output.begin([*site_files, *copies, *_item_paths(ctx)])
    cache = PageCache.open(root / CACHE_DIR)
    todo, cached_problems = reuse_cached(job, cache, output, plan.order)
    report.extend(cached_problems)
    rendered = render_groups(job, output, todo)
    output.absorb(rendered.files, rendered.written, rendered.unchanged, rendered.conflicts)
    for page_id, entry in rendered.entries.items():
        cache.keep(page_id, entry)
        report.extend(entry.problems())
    for rel, file in site_files.items():
        if rel in fresh:
            output.write(rel, fresh[rel], file.key)
        else:
            output.keep(rel, file.key)
    for rel, source in copies.items():
        stat = source.stat()
        output.copy(rel, source, f"{stat.st_size}:{stat.st_mtime_ns}")
    deleted = output.finish()
    cache.save()
    report.extend(
        error(Location(str(out_dir / rel)), "exists and was not written by polyfolio; left as is")
        for rel in output.conflicts
    )
    return BuildResult(
        out=out_dir,
        diagnostics=list(report.sorted()),
        pages=sum(1 for rel in output.current if _is_page(rel)),
        groups_rendered=len(todo),
        bodies_rendered=rendered.bodies_rendered,
        images_made=store.counts.made,
        images_reused=store.counts.reused,
        written=output.written,
        unchanged=output.unchanged,
        deleted=deleted,
        seconds=time.perf_counter() - started,
    )


def _is_page(rel: str) -> bool:
    return rel.endswith(".html")


@dataclass(frozen=True, slots=True)
class SiteFile:
    """A site-wide file: a key hashing its inputs, and how to make it when the key changed."""

    key: str
    make: Callable[[], str]


def _site_files(ctx: RenderContext, media: Mapping[str, ItemMedia]) -> dict[str, SiteFile]:
    """Homes, 404 pages, sitemap and robots.txt."""
    files: dict[str, SiteFile] = {}
    for lang in ctx.plan.languages:
        cards = pages.home_cards(ctx, lang, media)
        files[ctx.urls.home_path(lang)] = SiteFile(
            _key(ctx, "home", lang, [views.card_key(card) for card in cards]),
            partial(pages.render_home, ctx, lang, cards),
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


def _key(ctx: RenderContext, *inputs: object) -> str:
    return hashlib.blake2b(repr((ctx.key, inputs)).encode(), digest_size=16).hexdigest()


def _item_paths(ctx: RenderContext) -> list[str]:
    return [ctx.urls.item_path(page.lang, page.page_id) for page in ctx.plan.all_pages()]


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
        where = config.location("url") if "url" in config.raw else Location("_config.yml")
        report.add(
            warning(where, "url is not set: canonical, hreflang and sitemap URLs are relative")
        )
    urls = SiteUrls(
        baseurl=config.baseurl,
        site_url=config.url,
        source_lang=site.source_lang,
        default_lang_at_root=settings.default_lang_at_root,
        collection=config.collection,
    )
    languages = {lang: views.Language(lang, codes.to_bcp47(lang), codes) for lang in plan.languages}
    theme = Theme(site.root)
    report.extend(theme.retired_overrides())
    key = hashlib.blake2b(
        repr((theme.version, config, settings, strings, languages, urls)).encode(), digest_size=16
    ).hexdigest()
    return RenderContext(
        site_title=config.title,
        description=config.description,
        urls=urls,
        plan=plan,
        settings=settings,
        theme=theme,
        strings=strings,
        languages=languages,
        key=key,
    )


def _liquid_site(site: Site) -> dict[str, object]:
    config = site.config
    return {**config.raw, "title": config.title, "url": config.url, "baseurl": config.baseurl}


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
