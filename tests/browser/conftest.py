"""The built example site served by the dev server, and one Chromium per test module.

Expectations (which items, which titles, which URLs) come from the content and the page
contract, never from the builder's own code, so the tests check the builder against both.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from polyfolio.content.frontmatter import lookup
from polyfolio.content.site import Site, load_site
from polyfolio.serve import BuildOutcome, DevServer
from polyfolio.site.build import build_site
from tests.shared_data import EXAMPLE_SITE, REPO, require

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True, slots=True)
class Card:
    page_id: str
    caption: str  # what the grid shows
    title: str  # what the dialog and the item page show


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # as the site writes it: "gr"
    tag: str  # BCP 47: "el"
    home: str  # site-absolute URL of its home page
    cards: dict[str, Card]

    def item_url(self, collection: str, page_id: str) -> str:
        return f"{self.home}{collection}/{page_id}/"


@dataclass(frozen=True, slots=True)
class Expected:
    collection: str
    languages: dict[str, Language]

    @property
    def codes(self) -> list[str]:
        return list(self.languages)


@dataclass
class Problems:
    """Console errors, page errors, failed requests and error responses seen by a page."""

    seen: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.seen.append(f"console error: {message.text} at {message.location}")

    def _failed(self, request: Any) -> None:
        # ERR_ABORTED is the browser cancelling a request itself: a navigation or reload cuts
        # short whatever the old document was still loading (the dev server's event stream,
        # a favicon).  A missing or broken file shows as an HTTP error in _response instead.
        if request.failure == "net::ERR_ABORTED":
            return
        self.seen.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.seen.append(f"HTTP {response.status}: {response.url}")


def expected_site(site: Site) -> Expected:
    base = site.config.baseurl + "/"
    languages = {}
    for code in site.languages:
        cards = {}
        for page_id, group in site.groups.items():
            item = group.get(code) or group[site.source_lang]  # a missing one falls back
            caption = lookup(item.data, ("caption", "title")) or item.data.get("title")
            cards[page_id] = Card(page_id, str(caption), str(item.data.get("title")))
        home = base if code == site.source_lang else f"{base}{code}/"
        languages[code] = Language(code, site.config.codes.to_bcp47(code), home, cards)
    return Expected(site.config.collection, languages)


def build_outcome(root: Path, out: Path) -> BuildOutcome:
    result = build_site(root, out)
    messages = [str(d) for d in result.diagnostics]
    return BuildOutcome(not any(d.is_error for d in result.diagnostics), messages, result.seconds)


def copy_example(destination: Path) -> Path:
    shutil.copytree(
        require(EXAMPLE_SITE), destination, ignore=shutil.ignore_patterns(".polyfolio", "_site")
    )
    return destination


@dataclass(frozen=True, slots=True)
class ServedSite:
    server: DevServer
    expected: Expected

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"


def serve_copy(tmp: Path, baseurl: str | None = None) -> Iterator[ServedSite]:
    """Copy the example (optionally under another baseurl), build it, serve it."""
    root = copy_example(tmp / "site")
    if baseurl is not None:
        config = root / "_config.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('baseurl: ""', f'baseurl: "{baseurl}"', 1), "utf-8")
    out = tmp / "out"
    site = load_site(root)
    assert baseurl is None or site.config.baseurl == baseurl
    server = DevServer(
        out,
        lambda: build_outcome(root, out),
        [],
        port=0,
        base_path=site.config.baseurl or "/",
        on_build=lambda outcome: None,
    )
    with server:
        assert server.last_outcome.ok, server.last_outcome.messages
        yield ServedSite(server, expected_site(site))


@pytest.fixture(scope="module")
def served_example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    yield from serve_copy(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def page(browser: Any, problems: Problems) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    opened = context.new_page()
    problems.watch(opened)
    yield opened
    context.close()
