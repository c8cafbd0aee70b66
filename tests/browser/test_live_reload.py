"""`serve` in the browser: saving a file reloads the open page with the change; a build error
shows in the page and the next good save clears it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from polyfolio.content.document import parse_document
from polyfolio.content.frontmatter import FrontMatterEditor, dotted
from polyfolio.content.site import load_site
from polyfolio.serve import DevServer
from polyfolio.serve.inject import OVERLAY_ID
from tests.browser.conftest import Problems, build_outcome, copy_example

pytestmark = pytest.mark.browser
TIMEOUT_MS = 15_000
TABS = 9


@dataclass(frozen=True, slots=True)
class LiveExample:
    server: DevServer
    item_file: Path  # the first English item
    page_id: str

    @property
    def home(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def live_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveExample]:
    tmp = tmp_path_factory.mktemp("live")
    root = copy_example(tmp / "site")
    out = tmp / "out"
    site = load_site(root)
    page_id = sorted(site.groups)[0]
    source = site.source_of(page_id)
    assert source is not None
    server = DevServer(
        out,
        lambda: build_outcome(root, out),
        [root],
        port=0,
        ignore=lambda path: path.is_relative_to(root / ".polyfolio"),
        base_path=site.config.baseurl or "/",
        on_build=lambda outcome: None,
    )
    with server:
        yield LiveExample(server, root / source.rel, page_id)


def _set_front_matter(path: Path, key: str, value: str) -> None:
    document = parse_document(path.name, path.read_bytes())
    edited = FrontMatterEditor(document.front_matter).set_values({dotted(key): value})
    path.write_bytes(document.with_front_matter(edited).to_bytes())


def test_saving_a_file_reloads_the_page_with_the_change(
    live_example: LiveExample, page: Any, problems: Problems
) -> None:
    card_title = page.locator(f"#card-{live_example.page_id} h3")
    page.goto(live_example.home)
    page.evaluate("() => { window.__beforeEdit = true; }")

    _set_front_matter(live_example.item_file, "caption.title", "Edited While Serving")
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.textContent.trim() === text",
        arg=[f"#card-{live_example.page_id} h3", "Edited While Serving"],
        timeout=TIMEOUT_MS,
    )
    assert page.evaluate("() => window.__beforeEdit") is None  # a real reload, not a patch
    assert card_title.inner_text().strip() == "Edited While Serving"
    assert problems.seen == []


def test_a_build_error_shows_in_the_page_until_fixed(
    live_example: LiveExample, page: Any, problems: Problems
) -> None:
    page.goto(live_example.home)
    overlay = page.locator(f"#{OVERLAY_ID}")
    assert overlay.count() == 0
    good = live_example.item_file.read_bytes()

    _set_front_matter(live_example.item_file, "caption.thumbnail", "assets/img/missing.webp")
    overlay.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert live_example.item_file.name in overlay.inner_text()
    assert "assets/img/missing.webp" in overlay.inner_text()
    assert page.locator("ul.portfolio-grid > li").count() > 0  # the last good build still shows

    live_example.item_file.write_bytes(good)
    overlay.wait_for(state="detached", timeout=TIMEOUT_MS)
    assert problems.seen == []


def test_many_open_tabs_all_load_and_all_reload(live_example: LiveExample, browser: Any) -> None:
    # Browsers open about six connections per host; a stream per tab would starve the seventh.
    context = browser.new_context()
    try:
        tabs = []
        for _ in range(TABS):
            tab = context.new_page()
            tab.goto(live_example.home, timeout=TIMEOUT_MS)
            tab.evaluate("() => { window.__beforeEdit = true; }")
            tabs.append(tab)
        _set_front_matter(live_example.item_file, "caption.subtitle", "Seen in every tab")
        for tab in tabs:
            tab.wait_for_function("() => window.__beforeEdit === undefined", timeout=TIMEOUT_MS)
            subtitle = tab.locator(f"#card-{live_example.page_id} .card-subtitle")
            assert subtitle.inner_text().strip() == "Seen in every tab"
    finally:
        context.close()
