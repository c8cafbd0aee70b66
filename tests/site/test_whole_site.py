"""Checks that hold for every built site: the fixture, the example clinic and the agency corpus.

hreflang sets complete and reciprocal, the sitemap agreeing with them, a link checker over the
whole output, BCP 47 ``<html lang>``, and every card's page holding what its dialog shows.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import langcodes
import pytest

from polyfolio.site.build import BuildResult, build_site
from tests.shared_data import CORPUS, EXAMPLE_SITE, require
from tests.site import sites

SITES = ["fixture", "clinic", "corpus"]


def _prepare(name: str, folder: Path) -> Path:
    root = folder / "site"
    if name == "fixture":
        return sites.make_site(root)
    if name == "clinic":
        source = require(EXAMPLE_SITE / "_config.yml").parent
        shutil.copytree(source, root, ignore=shutil.ignore_patterns(".polyfolio", "_site"))
        return root
    portfolio = root / "_portfolio"
    portfolio.mkdir(parents=True)
    for path in sorted(require(CORPUS / "portfolio").glob("*.md")):
        shutil.copyfile(path, portfolio / path.name)
    (root / "_config.yml").write_text(f"title: Corpus\nurl: {sites.SITE_URL}\n")
    return root


@pytest.fixture(scope="module", params=SITES)
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, BuildResult]:
    name: str = request.param
    root = _prepare(name, tmp_path_factory.mktemp(name))
    if name == "clinic":
        config = (root / "_config.yml").read_text()
        url = re.search(r'^url: "?([^"\s]+)', config, re.M)
        assert url is not None
        (root / "_config.yml").write_text(config.replace(url[1], sites.SITE_URL))
    out = root / "_site"
    return name, out, build_site(root, out)


def test_builds_without_unexpected_errors(built: tuple[str, Path, BuildResult]) -> None:
    name, _, result = built
    for diagnostic in result.diagnostics:
        assert re.match(r"^[^:]+\.(md|yml):\d+:\d+: (error|warning): ", str(diagnostic)), diagnostic
    unexpected = [d for d in result.errors if not d.message.startswith("image not found")]
    assert not unexpected
    if name != "corpus":  # the corpus items' images were not copied with them
        assert result.ok


def test_html_lang_is_bcp47_and_matches_the_folder(built: tuple[str, Path, BuildResult]) -> None:
    _, out, _ = built
    for page in sites.html_pages(out):
        lang = sites.parse_page(page).html_lang
        assert lang and langcodes.tag_is_valid(lang), page
        assert lang == ("el" if page.relative_to(out).parts[0] == "gr" else "en"), page


def test_hreflang_sets_are_complete_and_reciprocal(built: tuple[str, Path, BuildResult]) -> None:
    _, out, _ = built
    pages = {sites.page_url(out, p): sites.parse_page(p) for p in sites.html_pages(out)}
    canonical = {url: p for url, p in pages.items() if p.canonical == url}
    assert canonical
    for url, page in canonical.items():
        assert url in page.alternates.values(), f"{url} does not list itself"
        assert page.alternates.get("x-default") in page.alternates.values()
        for lang, other in page.alternates.items():
            assert pages[other].alternates == page.alternates, f"{other} ({lang}) differs"


def test_sitemap_lists_canonical_pages_with_their_alternates(
    built: tuple[str, Path, BuildResult],
) -> None:
    _, out, _ = built
    sitemap = sites.sitemap_alternates(out)
    pages = {sites.page_url(out, p): sites.parse_page(p) for p in sites.html_pages(out)}
    assert set(sitemap) == {url for url, p in pages.items() if p.canonical == url}
    for loc, alternates in sitemap.items():
        assert alternates == pages[loc].alternates


def test_every_internal_link_and_image_resolves(built: tuple[str, Path, BuildResult]) -> None:
    name, out, _ = built
    broken = []
    for page in sites.html_pages(out):
        for url in sites.parse_page(page).urls:
            target = sites.target_file(out, url, page)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(out)}: {url}")
    if name == "corpus":
        # The corpus bodies link to their own sites' files, which are not part of the corpus.
        ours = ("/assets/polyfolio/", "/portfolio/", sites.SITE_URL)
        broken = [b for b in broken if b.split(": ", 1)[1].startswith(ours)]
    assert not broken


def test_every_card_opens_its_page_in_the_dialog(built: tuple[str, Path, BuildResult]) -> None:
    """The dialog fetches the card's page and shows its only <article> (minus the back link,
    its h1 made the dialog's h2) with a permalink labelled by the home page."""
    _, out, _ = built
    assert not list(out.rglob("fragment.html"))
    for home in (out / "index.html", *out.glob("*/index.html")):
        html = home.read_text("utf-8")
        assert re.search(r'<dialog id="item-dialog" [^>]*data-permalink-label="[^"]+"', html)
        cards = re.findall(r'class="portfolio-card" id="card-([^"]+)" href="([^"]+)"', html)
        assert cards
        for _, href in cards:
            page = sites.target_file(out, href, home)
            assert page is not None and page.is_file()
            articles = re.findall(r"<article\b.*?</article>", page.read_text("utf-8"), re.S)
            assert len(articles) == 1, page
            assert '<p class="back-link">' in articles[0], page
            assert re.search(r'<h1 class="item-title">[^<]+</h1>', articles[0]), page
