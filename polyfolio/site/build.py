"""``build_site``: the whole static build, top to bottom.

load site → check the output folder → one attempt at making the output
(:mod:`polyfolio.site.produce`) → record what it read and wrote.  When images made beside
the pages broke their promise (see :mod:`polyfolio.site.images`), that attempt is thrown away
with its staging folder and the build is made again, images first.  Problems are collected as
diagnostics rather than stopping at the first; only an unsafe output folder
(:class:`~polyfolio.site.output.OutputRefused`) stops it, before anything is written.
"""

from __future__ import annotations

import contextlib
import importlib
from functools import partial
from pathlib import Path

from msgspec import Struct

from polyfolio import collector
from polyfolio.content.assets import ASSETS_DIR
from polyfolio.content.cache import CACHE_DIR
from polyfolio.content.site import Site, load_site
from polyfolio.diagnostics import ContentError, Report
from polyfolio.site.freshness import LastBuild, Watch
from polyfolio.site.images import ImageStore
from polyfolio.site.output import MANIFEST, OutputFolder, check_output_folder
from polyfolio.site.result import DEFAULT_OUT, BuildResult
from polyfolio.site.settings import BuildSettings, build_settings
from polyfolio.site.staging import staged
from polyfolio.site.theme import OVERRIDES, Theme

# What making the output needs, imported while a second process reads files (else after
# loading; each forked worker would import the libraries on its own).
PRODUCE = "polyfolio.site.produce"
RENDERERS = (
    PRODUCE,
    "jinja2",
    "polyfolio.site.markdown",
    *(f"PIL.{n}" for n in ("Image", "JpegImagePlugin", "PngImagePlugin", "WebPImagePlugin")),
)


def build_site(root: Path, out: Path | None = None, watch: Watch | None = None) -> BuildResult:
    """Build ``root`` into ``out`` (default ``root/_site``); raises OutputRefused for an unsafe
    output folder before anything is written.  When nothing changed since the last build, its
    result stands (:mod:`polyfolio.site.freshness`; ``watch``: that check, made by the caller)."""
    with collector.long_lived_objects():
        return _build_site(root, out, watch)


def _build_site(root: Path, out: Path | None, watch: Watch | None) -> BuildResult:
    root = root.resolve()
    watch = watch or Watch(root, out or root / DEFAULT_OUT)
    started = watch.started
    reused = watch.reuse()
    if reused is not None:
        return reused
    theme = Theme(root)
    try:
        with collector.uncollected():  # the loaded site lives as long as the build
            site = load_site(root, watch.listing, meanwhile=partial(_prepare_renderers, theme))
            importlib.import_module(PRODUCE)  # when no second process read files
        settings = build_settings(site.config)
    except ContentError as exc:
        return BuildResult(out=out or root / DEFAULT_OUT, diagnostics=[exc.diagnostic])
    watch.note_images(site)
    out_dir = check_output_folder(out or root / DEFAULT_OUT, root, _read_dirs(site))
    last = watch.last_collection() if out_dir == watch.out else None
    watch.forget()
    since = Since(started, watch.taken_ns, last)
    with ImageStore(root, root / CACHE_DIR / "images") as store:
        result = _build_into(site, settings, theme, out_dir, since, store, images_beside=True)
        if result is None:
            # An image's pixels did not match its header (a truncated file, say): the pages made
            # from it went with the staging folder; this time every image is made first.
            store.restart()
            result = _build_into(site, settings, theme, out_dir, since, store, images_beside=False)
    assert result is not None  # only an attempt with images made beside is given up
    watch.record(site, result)
    return result


def _prepare_renderers(theme: Theme) -> None:
    """What rendering needs before workers are forked, made while a second process reads
    files: the libraries imported and the templates compiled (~50 ms on a first build).  A
    broken template is left to be reported where pages are rendered, at its line."""
    for name in RENDERERS:
        importlib.import_module(name)
    with contextlib.suppress(ContentError):
        theme.load_all()


def _build_into(
    site: Site,
    settings: BuildSettings,
    theme: Theme,
    out_dir: Path,
    since: Since,
    store: ImageStore,
    images_beside: bool,
) -> BuildResult | None:
    """One attempt at the build, written into a staging folder when ``out_dir`` is new; None
    when images made beside it broke their promise (see :class:`ImagesNotAsPromised`)."""
    from polyfolio.site.produce import ImagesNotAsPromised, produce

    report = Report()
    report.extend(site.problems)
    try:
        with staged(out_dir, MANIFEST) as staging:
            output = OutputFolder(out_dir, staging)
            beside = images_beside and output.fresh
            return produce(site, settings, theme, output, store, report, since, beside)
    except ContentError as exc:  # a broken template: reported like any content problem
        report.add(exc.diagnostic)
        return BuildResult(out=out_dir, diagnostics=list(report.sorted()))
    except ImagesNotAsPromised:  # the staging folder is gone; the caller builds again
        return None


class Since(Struct, frozen=True):
    """This build's start (clock and stamp time) and what the last one left, if it stands."""

    started: float
    taken_ns: int
    last: LastBuild | None


def _read_dirs(site: Site) -> list[Path]:
    """Folders the build reads from; the output folder may not be inside any of them."""
    root = site.root
    return [
        root / site.config.collection_dir,
        root / ASSETS_DIR,
        root / OVERRIDES,
        root / ".polyfolio",
    ]
