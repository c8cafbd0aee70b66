"""An item's body to HTML: Liquid first (as Jekyll does), then Markdown.

Bodies are not cached on disk: rendering one takes ~0.03 ms (pulldown-cmark), less than storing
and loading it did (a cold 4,000-item build spent ~0.15 s and 256 file writes saving them).  A
group whose pages come from the page cache never renders its bodies, and the engines are built
on first use only, so a build that renders no group never imports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from polyfolio.content.site import Item
from polyfolio.diagnostics import Diagnostic

if TYPE_CHECKING:
    from polyfolio.site.liquid import LiquidRenderer
    from polyfolio.site.markdown import MarkdownRenderer


class BodyRenderer:
    def __init__(self, liquid_site: Mapping[str, Any], raw_html: bool, site_root: str) -> None:
        self._liquid_site = liquid_site
        self._raw_html = raw_html
        self._site_root = site_root
        self.rendered = 0  # bodies rendered by this process

    def render(self, item: Item) -> tuple[Markup, list[Diagnostic]]:
        document = item.document
        text = document.body
        problems: list[Diagnostic] = []
        if "{{" in text or "{%" in text:  # python-liquid is only loaded when a body needs it
            text, problems = self._liquid.render(
                text, {**item.data, "lang": item.lang}, item.rel, document.body_line
            )
        self.rendered += 1
        return Markup(self._markdown.render(text)), problems

    @cached_property
    def _liquid(self) -> LiquidRenderer:
        from polyfolio.site.liquid import LiquidRenderer

        return LiquidRenderer(self._liquid_site)

    @cached_property
    def _markdown(self) -> MarkdownRenderer:
        from polyfolio.site.markdown import MarkdownRenderer

        return MarkdownRenderer(raw_html=self._raw_html, site_root=self._site_root)
