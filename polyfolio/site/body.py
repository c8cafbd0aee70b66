"""An item's body to HTML: Liquid first (as Jekyll does), then Markdown, cached by content.

Rendered bodies are kept in ``<site>/.polyfolio/cache/bodies/`` under a key that hashes the
item's bytes, path and language, the rendering code and its settings (and the site data Liquid
sees), so a change to templates or styles re-renders pages without re-rendering Markdown.  The
store is split in 256 shards by key, so a build that renders one body reads and writes one small
file, not the whole cache.  The engines
are built on first use only: a build whose bodies all come from a cache never imports them.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import sys
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from polyfolio.content.site import Item
from polyfolio.diagnostics import Diagnostic
from polyfolio.site.cache import DiagnosticTuple, as_diagnostics, as_tuples
from polyfolio.site.output import write_derived

if TYPE_CHECKING:
    from polyfolio.site.liquid import LiquidRenderer
    from polyfolio.site.markdown import MarkdownRenderer

CACHE_FOLDER = "bodies"
_FORMAT = f"bodies-v1-py{sys.version_info.major}.{sys.version_info.minor}"
_CODE = ("body.py", "markdown.py", "liquid.py")
_ENGINES = ("markdown-it-py", "mdit-py-plugins", "python-liquid")

BodyEntry = tuple[str, tuple[DiagnosticTuple, ...]]


class BodyRenderer:
    def __init__(
        self,
        liquid_site: Mapping[str, Any],
        raw_html: bool,
        site_root: str,
        cache_dir: Path | None = None,
    ) -> None:
        self._liquid_site = liquid_site
        self._raw_html = raw_html
        self._site_root = site_root
        self._folder = cache_dir / CACHE_FOLDER if cache_dir else None
        self._shards: dict[str, dict[str, BodyEntry]] = {}
        self.new: dict[str, BodyEntry] = {}

    def render(self, item: Item) -> tuple[Markup, list[Diagnostic]]:
        key = self.key(item)
        entry = self.new.get(key) or self._shard(key[:2]).get(key)
        if entry is None:
            html, problems = self._render(item)
            entry = self.new[key] = (html, as_tuples(problems))
        return Markup(entry[0]), as_diagnostics(entry[1])

    def key(self, item: Item) -> str:
        return hashlib.blake2b(
            f"{self._version}\0{item.rel}\0{item.md5}\0{item.lang}".encode(), digest_size=16
        ).hexdigest()

    def save(self, items: Iterable[Item]) -> None:
        """Store what was rendered in its shards, dropping there bodies of items now gone."""
        if not self.new or self._folder is None:
            return
        current = {self.key(item) for item in items}
        touched = {key[:2] for key in self.new}
        with contextlib.suppress(OSError):
            self._folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(touched):
                merged = {
                    **self._shard(shard),
                    **{k: v for k, v in self.new.items() if k[:2] == shard},
                }
                kept = {k: v for k, v in merged.items() if k in current}
                payload = marshal.dumps({"format": _FORMAT, "bodies": kept})
                write_derived(self._folder / f"{shard}.marshal", payload)

    def _render(self, item: Item) -> tuple[str, list[Diagnostic]]:
        document = item.document
        text = document.body
        problems: list[Diagnostic] = []
        if "{{" in text or "{%" in text:  # python-liquid is only loaded when a body needs it
            text, problems = self._liquid.render(
                text, {**item.data, "lang": item.lang}, item.rel, document.body_line
            )
        return self._markdown.render(text), problems

    @cached_property
    def _version(self) -> str:
        """Everything besides the item that shapes its body HTML."""
        from importlib import metadata  # only when a body is rendered (a cached build: never)

        digest = hashlib.blake2b(digest_size=16)
        here = Path(__file__).resolve().parent
        for name in _CODE:
            digest.update((here / name).read_bytes())
        for engine in _ENGINES:
            with contextlib.suppress(metadata.PackageNotFoundError):
                digest.update(metadata.version(engine).encode())
        digest.update(repr((self._raw_html, self._site_root, self._liquid_site)).encode())
        return digest.hexdigest()

    def _shard(self, shard: str) -> dict[str, BodyEntry]:
        """One shard of stored bodies, read on first need (missing or foreign: empty)."""
        if shard not in self._shards:
            self._shards[shard] = {}
            if self._folder is not None:
                with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError):
                    payload = marshal.loads((self._folder / f"{shard}.marshal").read_bytes())
                    if payload["format"] == _FORMAT and isinstance(payload["bodies"], dict):
                        self._shards[shard] = payload["bodies"]
        return self._shards[shard]

    @cached_property
    def _liquid(self) -> LiquidRenderer:
        from polyfolio.site.liquid import LiquidRenderer

        return LiquidRenderer(self._liquid_site)

    @cached_property
    def _markdown(self) -> MarkdownRenderer:
        from polyfolio.site.markdown import MarkdownRenderer

        return MarkdownRenderer(raw_html=self._raw_html, site_root=self._site_root)
