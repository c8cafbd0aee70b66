"""Accessibility (axe-core in the page) and screenshots at phone and desktop sizes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import dialog
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, Problems, ServedSite

pytestmark = pytest.mark.browser
LANGS = ["en", "gr"]
BLOCKING = ("serious", "critical")
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Resolves once every image in view has loaded and decoded, so screenshots are complete.
IMAGES_IN_VIEW_READY = """
() => Promise.all(Array.from(document.images)
  .filter((img) => { const r = img.getBoundingClientRect();
                     return r.width > 0 && r.bottom > 0 && r.top < innerHeight; })
  .map((img) => img.decode().catch(() => null)))
"""


def _blocking_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", ["home", "dialog", "item page"])
def test_no_serious_accessibility_violation(
    served_example: ServedSite, page: Any, problems: Problems, lang: str, view: str
) -> None:
    expected = served_example.expected
    language = expected.languages[lang]
    page_id = next(iter(language.cards))
    if view == "item page":
        page.goto(served_example.url(language.item_url(expected.collection, page_id)))
    else:
        page.goto(served_example.url(language.home))
    if view == "dialog":
        page.click(f"#card-{page_id}")
        dialog.wait_open(page)
    assert _blocking_violations(page) == []
    assert problems.seen == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_screenshots_of_home_and_dialog(
    served_example: ServedSite, browser: Any, lang: str, size: str
) -> None:
    language = served_example.expected.languages[lang]
    page_id = next(iter(language.cards))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[size], reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(served_example.url(language.home))
        page.evaluate(IMAGES_IN_VIEW_READY)
        home = SCREENSHOTS / f"{lang}-{size}-home.png"
        page.screenshot(path=str(home))
        page.click(f"#card-{page_id}")
        dialog.wait_open(page)
        page.evaluate(IMAGES_IN_VIEW_READY)
        opened = SCREENSHOTS / f"{lang}-{size}-dialog.png"
        page.screenshot(path=str(opened))
    finally:
        context.close()
    for shot in (home, opened):
        assert shot.read_bytes().startswith(b"\x89PNG")
