"""Output of a whole build of the fixture site: contract markup, languages, links, images."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from polyfolio.site.build import BuildResult, build_site
from tests.site import sites

Built = tuple[Path, Path, BuildResult]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = sites.make_site(tmp_path_factory.mktemp("site"))
    out = root / "_site"
    return root, out, build_site(root, out)


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text("utf-8")


def test_pages_exist_at_contract_urls(built: Built) -> None:
    _, out, result = built
    for rel in (
        "index.html",
        "404.html",
        "portfolio/alpha/index.html",
        "portfolio/beta/index.html",
        "gr/index.html",
        "gr/404.html",
        "gr/portfolio/alpha/index.html",
        "gr/portfolio/beta/index.html",
        "sitemap.xml",
        "robots.txt",
    ):
        assert (out / rel).is_file(), rel
    assert result.pages == 8
    # The dialog loads the item page itself: one file per item and language, no fragments.
    assert sorted(p.name for p in out.glob("**/portfolio/*/*")) == ["index.html"] * 4


def test_hreflang_sets_are_complete_and_reciprocal(built: Built) -> None:
    _, out, _ = built
    pages = {sites.page_url(out, p): sites.parse_page(p) for p in sites.html_pages(out)}
    canonical_pages = {url: p for url, p in pages.items() if p.canonical == url}
    assert len(canonical_pages) == 5  # two homes, alpha en+gr, beta en (gr beta is a fallback)
    for url, page in canonical_pages.items():
        assert url in page.alternates.values(), f"{url} does not list itself"
        assert "x-default" in page.alternates
        for lang, other in page.alternates.items():
            assert pages[other].alternates == page.alternates, f"{other} ({lang}) differs"
    assert set(pages[sites.SITE_URL + "/portfolio/alpha/"].alternates) == {"en", "el", "x-default"}
    assert set(pages[sites.SITE_URL + "/portfolio/beta/"].alternates) == {"en", "x-default"}


def test_fallback_page_points_canonical_at_its_source(built: Built) -> None:
    _, out, _ = built
    page = sites.parse_page(out / "gr/portfolio/beta/index.html")
    assert page.canonical == sites.SITE_URL + "/portfolio/beta/"


def test_home_grid_cards_follow_the_contract(built: Built) -> None:
    _, out, _ = built
    home = read(out, "gr/index.html")
    assert '<ul class="portfolio-grid">' in home
    cards = re.findall(r'<a class="portfolio-card"[^>]*>', home)
    assert len(cards) == 2
    assert (
        '<a class="portfolio-card" id="card-alpha" href="/gr/portfolio/alpha/" '
        'data-page-id="alpha" aria-haspopup="dialog">'
    ) in home
    assert (
        '<dialog id="item-dialog" aria-labelledby="item-dialog-title" '
        'data-permalink-label="Άνοιγμα ως σελίδα">'
    ) in home
    assert 'data-permalink-label="Open as a page">' in read(out, "index.html")
    assert 'class="dialog-close" aria-label="Κλείσιμο"' in home
    # Behind a modal everything is inert: the dialog has its own links to the other languages.
    assert '<nav class="dialog-languages" aria-label="Γλώσσα">' in home
    assert '<a hreflang="en" lang="en" href="/">English</a>' in home.split('id="item-dialog"')[1]
    assert '<h2 id="portfolio-heading">Θεραπείες</h2>' in home
    assert "Κείμενο" not in home  # bodies live in the item pages, not on the home page


def test_item_page_article_is_what_the_dialog_shows(built: Built) -> None:
    """polyfolio.js takes the item page's only <article>, drops its .back-link and makes its
    h1.item-title the dialog's h2: all of them must be there, the content inside."""
    _, out, _ = built
    page = read(out, "gr/portfolio/alpha/index.html")
    articles = re.findall(r"<article\b.*?</article>", page, re.S)
    assert len(articles) == 1
    article = articles[0]
    assert '<p class="back-link"><a href="/gr/#card-alpha">' in article
    assert '<h1 class="item-title">Θεραπεία Άλφα</h1>' in article
    assert "Κείμενο" in article and 'class="translation-notice"' in article
    assert page.count("<h1") == 1 and "item-dialog-title" not in page


def test_switcher_links_the_same_item(built: Built) -> None:
    _, out, _ = built
    page = read(out, "portfolio/alpha/index.html")
    switcher = re.search(
        r'<nav class="lang-switcher" aria-label="Language">(.*?)</nav>', page, re.S
    )
    assert switcher is not None
    assert '<a hreflang="el" lang="el" href="/gr/portfolio/alpha/">Ελληνικά</a>' in switcher[1]
    assert 'href="/portfolio/alpha/" aria-current="true">English</a>' in switcher[1]


def test_front_matter_script_is_escaped(built: Built) -> None:
    _, out, _ = built
    for rel in ("index.html", "portfolio/beta/index.html", "gr/portfolio/beta/index.html"):
        html = read(out, rel)
        assert "<script>alert" not in html, rel
        assert "Beta &lt;script&gt;alert(1)&lt;/script&gt;" in html, rel


def test_missing_translation_falls_back_with_notice_and_lang(built: Built) -> None:
    _, out, _ = built
    page = read(out, "gr/portfolio/beta/index.html")
    assert '<p class="translation-notice">' in page
    assert '<div class="item-content" lang="en">' in page
    assert "Only in English." in page
    home = read(out, "gr/index.html")
    assert (
        'id="card-beta" href="/gr/portfolio/beta/" data-page-id="beta" '
        'aria-haspopup="dialog" lang="en"' in home
    )


def test_stale_translation_shows_notice_when_configured(built: Built) -> None:
    _, out, _ = built
    assert "μην είναι ενημερωμένη" in read(out, "gr/portfolio/alpha/index.html")
    assert "translation-notice" not in read(out, "portfolio/alpha/index.html")


def test_liquid_rendered_and_unknown_liquid_warned(built: Built) -> None:
    _, out, result = built
    page = read(out, "portfolio/alpha/index.html")
    assert 'href="/assets/img/alpha.png"' in page
    assert "/portfolio/beta/." in page
    warnings = [str(d) for d in result.diagnostics if "Liquid" in d.message]
    assert warnings == [
        "_portfolio/gr/alpha.md:20:4: warning: Liquid not rendered, text kept: "
        "unexpected tag 'highlight'"
    ]
    assert "{% highlight ruby %}" in read(out, "gr/portfolio/alpha/index.html")


def test_kramdown_ial_and_greek_heading_ids(built: Built) -> None:
    _, out, _ = built
    assert '<ul class="list-inline">\n<li>Date: 2024</li>' in read(
        out, "portfolio/alpha/index.html"
    )
    greek = read(out, "gr/portfolio/alpha/index.html")
    assert '<h2 id="πώς-λειτουργεί">Πώς λειτουργεί;</h2>' in greek
    assert '<h2 id="πώς-λειτουργεί-1">Πώς λειτουργεί;</h2>' in greek


def test_images_have_variants_sizes_and_lazy_loading(built: Built) -> None:
    _, out, result = built
    page = read(out, "portfolio/alpha/index.html")
    image = re.search(r'<figure class="item-image">\s*(<img[^>]*>)', page)
    assert image is not None
    tag = image[1]
    assert re.search(r'src="/assets/polyfolio/img/alpha-[0-9a-f]{12}-800\.webp"', tag)
    assert 'width="800" height="600"' in tag
    assert 'loading="lazy"' in tag and 'decoding="async"' in tag
    srcset = re.search(r'srcset="([^"]*)"', tag)
    assert srcset is not None
    widths = [int(w) for w in re.findall(r" (\d+)w", srcset[1])]
    assert widths == [400, 800, 1000]  # never upscaled past the 1000 px original
    assert result.images_made == 1 and result.images_reused == 0
    remote = read(out, "portfolio/beta/index.html")
    assert '<img src="https://cdn.example/beta.jpg" alt="Beta" loading="lazy"' in remote


def test_second_build_reuses_images_and_rewrites_nothing(built: Built) -> None:
    root, out, first = built
    again = build_site(root, out)
    assert again.images_made == 0 and again.images_reused == 1
    assert again.written == 0
    assert again.unchanged == first.written
    assert [str(d) for d in again.diagnostics] == [str(d) for d in first.diagnostics]
