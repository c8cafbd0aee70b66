"""The example site in a real browser, in every language: grid, dialog, deep links, switcher.

Every test also fails on a console error, a page error, a failed request or an HTTP error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.browser import dialog
from tests.browser.conftest import Problems, ServedSite, serve_copy

pytestmark = pytest.mark.browser
LANGS = ["en", "gr"]
PERMALINK_LABELS = {"en": "Open as a page", "gr": "Άνοιγμα ως σελίδα"}  # built-in strings


def test_example_has_every_item_in_both_languages(served_example: ServedSite) -> None:
    expected = served_example.expected
    assert expected.codes == LANGS
    assert len(expected.languages["en"].cards) >= 6


@pytest.mark.parametrize("lang", LANGS)
def test_grid_shows_every_item(
    served_example: ServedSite, page: Any, problems: Problems, lang: str
) -> None:
    language = served_example.expected.languages[lang]
    page.goto(served_example.url(language.home))
    assert page.get_attribute("html", "lang") == language.tag
    cards = page.locator("ul.portfolio-grid > li a.portfolio-card")
    assert page.locator("ul.portfolio-grid > li").count() == len(language.cards)
    shown = {
        cards.nth(i).get_attribute("data-page-id"): cards.nth(i).locator("h3").inner_text()
        for i in range(cards.count())
    }
    assert shown == {page_id: card.caption for page_id, card in language.cards.items()}
    for page_id in language.cards:
        card = page.locator(f"#card-{page_id}")
        assert card.get_attribute("href") == language.item_url(
            served_example.expected.collection, page_id
        )
        assert card.get_attribute("aria-haspopup") == "dialog"
        assert card.locator("img").get_attribute("alt")
    assert problems.seen == []


@pytest.mark.parametrize("lang", LANGS)
def test_each_card_opens_its_dialog_and_esc_returns_focus(
    served_example: ServedSite, page: Any, problems: Problems, lang: str
) -> None:
    language = served_example.expected.languages[lang]
    page.goto(served_example.url(language.home))
    for page_id, card in language.cards.items():
        page.click(f"#card-{page_id}")
        dialog.wait_open(page)
        assert dialog.title(page) == card.title
        assert dialog.hash_of(page) == f"#{quote(page_id)}"
        assert dialog.focus_is_inside(page)
        dialog.close_by(page, lambda: page.keyboard.press("Escape"))
        assert dialog.focused_id(page) == f"card-{page_id}"
        assert dialog.hash_of(page) == ""
    assert problems.seen == []


@pytest.mark.parametrize("lang", LANGS)
def test_dialog_shows_the_item_page_made_fit_for_a_dialog(
    served_example: ServedSite, page: Any, problems: Problems, lang: str
) -> None:
    """The dialog shows the item page's <article>: its h1 becomes the dialog's labelling h2, its
    back link goes, a permalink to the page comes, labelled in the home page's language."""
    expected = served_example.expected
    language = expected.languages[lang]
    page_id, card = list(language.cards.items())[1]
    page.goto(served_example.url(language.home))
    page.click(f"#card-{page_id}")
    dialog.wait_open(page)
    content = page.locator("#item-dialog .dialog-content")
    assert content.locator("article.item").count() == 1
    heading = page.locator("#item-dialog-title")
    assert heading.count() == 1
    assert heading.evaluate("(h) => [h.tagName, h.className]") == ["H2", "item-title"]
    assert page.get_by_role("dialog", name=card.title).count() == 1
    assert content.locator("h1").count() == 0
    assert content.locator(".back-link").count() == 0
    permalink = content.locator("article > p.item-permalink:last-child > a")
    assert permalink.inner_text().strip() == PERMALINK_LABELS[lang]
    assert permalink.get_attribute("href") == served_example.url(
        language.item_url(expected.collection, page_id)
    )
    assert problems.seen == []


@pytest.mark.parametrize("lang", LANGS)
def test_close_button_closes_and_returns_focus(
    served_example: ServedSite, page: Any, problems: Problems, lang: str
) -> None:
    language = served_example.expected.languages[lang]
    page_id = next(iter(language.cards))
    page.goto(served_example.url(language.home))
    page.click(f"#card-{page_id}")
    dialog.wait_open(page)
    close = page.locator("#item-dialog .dialog-close")
    assert close.get_attribute("aria-label")
    dialog.close_by(page, close.click)
    assert dialog.focused_id(page) == f"card-{page_id}"
    assert problems.seen == []


@pytest.mark.parametrize("lang", LANGS)
def test_deep_link_opens_the_dialog(
    served_example: ServedSite, page: Any, problems: Problems, lang: str
) -> None:
    language = served_example.expected.languages[lang]
    page_id, card = list(language.cards.items())[-1]
    page.goto(served_example.url(f"{language.home}#{page_id}"))
    dialog.wait_open(page)
    assert dialog.title(page) == card.title
    assert problems.seen == []


def test_back_and_forward_close_and_reopen_the_dialog(
    served_example: ServedSite, page: Any, problems: Problems
) -> None:
    language = served_example.expected.languages["en"]
    page_id, card = next(iter(language.cards.items()))
    page.goto(served_example.url(language.home))
    page.click(f"#card-{page_id}")
    dialog.wait_open(page)
    page.go_back()
    dialog.wait_closed(page)
    page.go_forward()
    dialog.wait_open(page)
    assert dialog.title(page) == card.title
    assert problems.seen == []


@pytest.mark.parametrize(("start", "other"), [("en", "gr"), ("gr", "en")])
def test_switcher_on_an_item_page_lands_on_the_same_item(
    served_example: ServedSite, page: Any, problems: Problems, start: str, other: str
) -> None:
    expected = served_example.expected
    here, there = expected.languages[start], expected.languages[other]
    page_id = list(here.cards)[1]
    page.goto(served_example.url(here.item_url(expected.collection, page_id)))
    switcher = page.locator("nav.lang-switcher")
    assert switcher.locator(f'a[hreflang="{here.tag}"]').get_attribute("aria-current") == "true"
    switcher.locator(f'a[hreflang="{there.tag}"]').click()
    page.wait_for_url(served_example.url(there.item_url(expected.collection, page_id)))
    assert page.get_attribute("html", "lang") == there.tag
    assert page.locator("h1.item-title").inner_text().strip() == there.cards[page_id].title
    assert problems.seen == []


@pytest.mark.parametrize(("start", "other"), [("en", "gr"), ("gr", "en")])
def test_switcher_from_an_open_dialog_lands_on_the_same_item(
    served_example: ServedSite, page: Any, problems: Problems, start: str, other: str
) -> None:
    here, there = (served_example.expected.languages[code] for code in (start, other))
    page_id = list(here.cards)[2]
    page.goto(served_example.url(here.home))
    page.click(f"#card-{page_id}")
    dialog.wait_open(page)
    target = f"{there.home}#{quote(page_id)}"
    header_link = page.locator(f'nav.lang-switcher a[hreflang="{there.tag}"]')
    assert header_link.get_attribute("href") == target  # for after the dialog, or no modal
    # The page behind a modal dialog is inert: the user switches from inside the dialog.
    page.locator(f'#item-dialog a[hreflang="{there.tag}"]').click()
    page.wait_for_url(served_example.url(target))
    dialog.wait_open(page)
    assert page.get_attribute("html", "lang") == there.tag
    assert dialog.title(page) == there.cards[page_id].title
    assert problems.seen == []


def test_a_site_under_a_baseurl_works_the_same(
    tmp_path_factory: pytest.TempPathFactory, page: Any, problems: Problems
) -> None:
    for served in serve_copy(tmp_path_factory.mktemp("baseurl"), "/clinic"):
        expected = served.expected
        here, there = expected.languages["en"], expected.languages["gr"]
        page_id, card = list(here.cards.items())[-1]
        page.goto(served.url("/"))
        page.wait_for_url(served.url("/clinic/"))
        assert page.locator("ul.portfolio-grid > li").count() == len(here.cards)
        page.click(f"#card-{page_id}")
        dialog.wait_open(page)
        assert dialog.title(page) == card.title
        page.goto(served.url(here.item_url(expected.collection, page_id)))
        page.locator(f'nav.lang-switcher a[hreflang="{there.tag}"]').click()
        page.wait_for_url(served.url(f"/clinic/gr/{expected.collection}/{page_id}/"))
        assert page.locator("h1.item-title").inner_text().strip() == there.cards[page_id].title
    assert problems.seen == []


def test_without_javascript_a_card_is_a_plain_link_to_the_item_page(
    served_example: ServedSite, browser: Any
) -> None:
    expected = served_example.expected
    language = expected.languages["gr"]
    page_id, card = next(iter(language.cards.items()))
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_example.url(language.home))
        page.click(f"#card-{page_id}")
        page.wait_for_url(served_example.url(language.item_url(expected.collection, page_id)))
        assert page.locator("h1.item-title").inner_text().strip() == card.title
    finally:
        context.close()
