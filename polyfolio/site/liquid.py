"""Liquid in item bodies, rendered with python-liquid as Jekyll would, never fatally.

Agency sites write ``{{ site.baseurl }}``, ``{{ "x" | relative_url }}`` and simple tags in their
bodies.  Those render; anything this environment does not know (a Jekyll plugin tag, an
undefined variable, a syntax error) becomes a warning at the file's line and column and the body
keeps its original text, so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from liquid import Environment, StrictUndefined
from liquid.exceptions import LiquidError

from polyfolio.diagnostics import Diagnostic, Location, warning


class _BoundedEnvironment(Environment):
    # A hostile body must not loop or grow output without bound.
    loop_iteration_limit = 100_000
    output_stream_limit = 5_000_000


class LiquidRenderer:
    """One Liquid environment per build; ``render`` is called once per body containing Liquid."""

    def __init__(self, site: Mapping[str, Any]) -> None:
        self._env = _BoundedEnvironment(undefined=StrictUndefined)
        self._env.filters["relative_url"] = self._relative_url
        self._env.filters["absolute_url"] = self._absolute_url
        self._site = dict(site)

    def render(
        self, text: str, page: Mapping[str, Any], path: str, first_line: int
    ) -> tuple[str, list[Diagnostic]]:
        """The rendered text, or the original text and a warning saying why it was kept."""
        if "{{" not in text and "{%" not in text:
            return text, []
        try:
            return self._env.from_string(text).render(site=self._site, page=dict(page)), []
        except LiquidError as exc:
            location = _location(text, exc, path, first_line)
            message = exc.message or type(exc).__name__
            return text, [warning(location, f"Liquid not rendered, text kept: {message}")]

    def _relative_url(self, value: object) -> str:
        text = str(value)
        if "://" in text or text.startswith("//"):
            return text
        base = str(self._site.get("baseurl", ""))
        return f"{base}/{text.lstrip('/')}" if text else f"{base}/"

    def _absolute_url(self, value: object) -> str:
        text = str(value)
        if "://" in text or text.startswith("//"):
            return text
        return f"{self._site.get('url', '')}{self._relative_url(text)}"


def _location(text: str, exc: LiquidError, path: str, first_line: int) -> Location:
    token = exc.token
    offset = token.start_index if token is not None and token.source == text else 0
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(path, first_line + line, col)
