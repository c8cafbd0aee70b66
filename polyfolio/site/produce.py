"""One attempt at a build: the output made from a loaded site.

plan pages → context and images → site-wide pages → item groups (one ``page_id`` in every
language: from the page cache when their inputs are unchanged, else rendered, in two processes
when there are many) → copies → delete stale files.  Problems are collected as diagnostics.

Imported by :mod:`polyfolio.site.build` only once the site is loaded (while it waits for the
process reading files, when there is one): a build whose output stands needs none of this.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from polyfolio.content.assets import ASSETS_DIR
from polyfolio.content.cache import CACHE_DIR
from polyfolio.content.site import Site
from polyfolio.content.stamps import now_ns, settled, stamp_of
from polyfolio.diagnostics import Diagnostic, Location, Report, error, warning
from polyfolio.site import pages, views
from polyfolio.site.body import BodyRenderer
from polyfolio.site.cache import PageCache, remove_retired
from polyfolio.site.groups import GroupJob, group_cards, render_groups, reuse_cached
from polyfolio.site.images import ImageStore
from polyfolio.site.incremental import Scope, narrow
from polyfolio.site.media import IMAGE_FOLDER, item_media
from polyfolio.site.output import OutputFolder, content_key
from polyfolio.site.pages import STATIC_FOLDER, RenderContext
from polyfolio.site.plan import SitePlan, plan_site
from polyfolio.site.result import BuildResult
from polyfolio.site.settings import BuildSettings
from polyfolio.site.sitefiles import all_cards, site_files
from polyfolio.site.strings import read_sitetext, sitetext_strings, strings_for
from polyfolio.site.theme import Theme
from polyfolio.site.urls import SiteUrls

if TYPE_CHECKING:
    from polyfolio.site.build import Since

# Libraries whose output is in the pages: cached pages are keyed by their installations too,
# so an upgrade renders every page again (polyfolio's own code is in the theme version).
RENDERING_LIBRARIES = ("pyromark", "jinja2", "markupsafe", "liquid")


class ImagesNotAsPromised(Exception):
    """Images made beside the build came out other than their headers said (see
    :meth:`ImageStore.prepare`): what was written from them is wrong."""


def produce(
    site: Site,
    settings: BuildSettings,
    theme: Theme,
    output: OutputFolder,
    store: ImageStore,
    report: Report,
    since: Since,
    images_beside: bool,
) -> BuildResult:
    """``images_beside``: images are made in a forked child while pages are rendered from
    what their headers promise; :class:`ImagesNotAsPromised` when one broke the promise."""
    root, out_dir = site.root, output.shown
    # Decide every page, then gather what pages are made of: context, images.
    plan, problems = plan_site(site, settings)
    report.extend(problems)
    ctx = _render_context(site, plan, settings, theme, report)
    cache = PageCache.open(root / CACHE_DIR)
    # Only collection files changed since the last build: look only at the groups they touch.
    scope = narrow(site, plan, ctx.key, cache, output, since.last)
    if scope is None:
        media = item_media(site, plan, ctx, store, report, background=images_beside)
    else:
        media = item_media(site, plan, ctx, store, report, scope.rels, scope.kept_images)
    bodies = BodyRenderer(_liquid_site(site), settings.raw_html, ctx.urls.url(""))
    job = GroupJob(ctx, media, bodies)

    # Site-wide files whose inputs changed are made with the item groups that changed.
    if scope is None:
        digests, cards = all_cards(ctx, media)
        files = site_files(ctx, digests, cards.__getitem__)
        for lang, found in cards.items():
            for card, digest in zip(found, digests[lang], strict=True):
                job.cards.setdefault(card.page_id, {})[lang] = digest
    else:
        make_cards = partial(pages.home_cards, ctx, media=media)
        files = site_files(ctx, _card_digests(job, scope), make_cards)
    stale = {rel: f for rel, f in files.items() if not output.has_unchanged(rel, f.key)}
    if scope is not None and any(ctx.urls.home_path(lang) in stale for lang in plan.languages):
        # A home to make: it needs every card in full, so every item's views.
        media.update(item_media(site, plan, ctx, store, report, _all_rels(plan) - media.keys()))
    copies = dict(_site_assets(root))
    copies.update({f"{STATIC_FOLDER}/{n}": p for n, p in ctx.theme.static_files.items()})
    variants = {f"{IMAGE_FOLDER}/{v.name}": store.variant_path(v) for v in store.variants()}
    copies.update(variants)

    # Write: item groups from the cache or rendered (in two processes when many), then the rest.
    output.begin([*files, *copies, *_item_paths(ctx)])
    examined = plan.order if scope is None else scope.examined
    todo, cached_problems = reuse_cached(job, cache, output, examined)
    report.extend(cached_problems)
    if scope is not None:
        report.extend(_keep_groups(cache, output, scope))
    rendered = render_groups(job, output, todo, stale)
    output.absorb(rendered.files, rendered.written, rendered.unchanged, rendered.conflicts)
    for page_id, entry in rendered.entries.items():
        cache.keep(page_id, entry)
        report.extend(entry.problems())
    for rel, file in files.items():
        if rel not in stale:
            output.keep(rel, file.key)
    if not store.settle():
        raise ImagesNotAsPromised
    taken = now_ns()
    for rel, source in copies.items():
        # Image variants are named by their content: the name is key enough.
        key = source.name if rel in variants else _copy_key(source, taken)
        output.copy(rel, source, key)
    deleted = output.finish()
    cache.save(since.taken_ns, ctx.key)
    remove_retired(root / CACHE_DIR)
    report.extend(
        error(Location(str(out_dir / rel)), "exists and was not written by polyfolio; left as is")
        for rel in output.conflicts
    )
    return BuildResult(
        out=out_dir,
        diagnostics=list(report.sorted()),
        pages=sum(1 for rel in output.current if _is_page(rel)),
        groups_examined=len(examined),
        groups_rendered=len(todo),
        bodies_rendered=rendered.bodies_rendered,
        images_made=store.counts.made,
        images_reused=store.counts.reused,
        written=output.written,
        unchanged=output.unchanged,
        deleted=deleted,
        seconds=time.perf_counter() - since.started,
        narrowed=scope is not None,
    )


def _card_digests(job: GroupJob, scope: Scope) -> dict[str, list[str]]:
    """Each home's card digests in plan order: the kept groups' from their entries, the
    others' made afresh (exactly what :func:`all_cards` would give)."""
    plan = job.ctx.plan
    job.cards.update((page_id, group_cards(job, page_id)) for page_id in scope.examined)
    by_group = {page_id: entry.cards for page_id, entry in scope.kept.items()}
    by_group.update(job.cards)
    return {
        lang: [by_group[page_id][lang] for page_id in plan.order if lang in plan.pages[page_id]]
        for lang in plan.languages
    }


def _keep_groups(cache: PageCache, output: OutputFolder, scope: Scope) -> list[Diagnostic]:
    """Keep the groups no changed file touched, as a cache hit keeps them."""
    problems: list[Diagnostic] = []
    for page_id, entry in scope.kept.items():
        for rel, file_key in entry.files.items():
            output.keep(rel, file_key)
        cache.keep(page_id, entry)
        problems.extend(entry.problems())
    return problems


def _all_rels(plan: SitePlan) -> set[str]:
    return {page.item.rel for page in plan.all_pages()}


def _is_page(rel: str) -> bool:
    return rel.endswith(".html")


def _item_paths(ctx: RenderContext) -> list[str]:
    return [ctx.urls.item_path(page.lang, page.page_id) for page in ctx.plan.all_pages()]


def _render_context(
    site: Site, plan: SitePlan, settings: BuildSettings, theme: Theme, report: Report
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
    report.extend(theme.retired_overrides())
    made_by = (theme.version, *map(_library_stamp, RENDERING_LIBRARIES))
    key = hashlib.blake2b(
        repr((made_by, config, settings, strings, languages, urls)).encode(), digest_size=16
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


def _library_stamp(name: str) -> str:
    """Where a library is installed, and the stamp of its main file: an upgrade or a reinstall
    replaces it.  Found without importing it (a build that renders nothing may not need it)."""
    try:
        spec = importlib.util.find_spec(name)
        path = spec.origin if spec is not None and spec.origin else ""
        return f"{path}:{stamp_of(os.stat(path))}"
    except (ImportError, ValueError, OSError):
        return "absent"


def _copy_key(source: Path, taken_ns: int) -> str:
    """What says a copied file is unchanged: its stamp (size and mtime alone miss a file
    rewritten with both kept).  A stamp too recent to vouch for the bytes (see
    :mod:`polyfolio.content.stamps`) also carries their hash, so a rewrite in the same clock
    tick is still seen; once settled, the key changes once more (one more copy)."""
    stamp = stamp_of(source.stat())
    key = ":".join(map(str, stamp))
    return key if settled(stamp, taken_ns) else f"{key}:{content_key(source.read_bytes())}"


def _site_assets(root: Path) -> Iterator[tuple[str, Path]]:
    """The site's own ``assets/`` files (no hidden files, no symlinks leading out)."""
    base = root / ASSETS_DIR
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or not path.resolve().is_relative_to(root):
                continue
            yield path.relative_to(root).as_posix(), path
