"""The body renderer polyfolio used before pulldown-cmark (markdown-it-py + mdit-py-plugins),
kept for tests only: real bodies must render the same with both, up to explained differences.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from polyfolio.site.markdown import is_relative_path, parse_ial, slugify

_HTML_URL = re.compile(r"""\b(?:src|href)\s*=\s*(?P<q>["'])(?P<url>[^"']*)(?P=q)""", re.IGNORECASE)


class MarkdownItRenderer:
    """The markdown-it-py renderer the build used before pulldown-cmark, kept as the oracle the
    new one is compared with; same arguments and meaning as MarkdownRenderer's."""

    def __init__(self, raw_html: bool = True, site_root: str | None = None) -> None:
        md = MarkdownIt("commonmark", {"html": raw_html})
        md.enable(["table", "strikethrough"])
        md.core.ruler.push("kramdown_ial", _apply_ials)
        if site_root is not None:
            md.core.ruler.push("site_root_urls", _root_relative_urls(site_root))
        anchors_plugin(md, min_level=1, max_level=6, slug_func=slugify)
        self._md = md

    def render(self, text: str) -> str:
        return str(self._md.render(text))


def _apply_ials(state: StateCore) -> None:
    """A paragraph that is only an IAL applies to the next block at its level and disappears (as
    kramdown drops one with nothing after it); an IAL ending a paragraph applies to it."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "paragraph_open" or index + 2 >= len(tokens):
            index += 1
            continue
        inline = tokens[index + 1]
        whole = parse_ial(inline.content)
        if whole is not None:
            target = _next_block(tokens, index + 3, token.level)
            if target is not None:
                _set_attrs(target, whole)
            del tokens[index : index + 3]
            continue
        _trailing_ial(token, inline)
        index += 1


def _trailing_ial(paragraph: Token, inline: Token) -> None:
    head, newline, last = inline.content.rpartition("\n")
    attrs = parse_ial(last) if newline else None
    if attrs is None or inline.children is None:
        return
    _set_attrs(paragraph, attrs)
    inline.content = head
    children = inline.children
    # The IAL is the final text child, after a softbreak; drop both.
    while children and children[-1].type in ("text", "softbreak"):
        dropped = children.pop()
        if dropped.type == "softbreak":
            break


def _next_block(tokens: list[Token], start: int, level: int) -> Token | None:
    for token in tokens[start:]:
        if token.level < level:
            return None
        if token.level == level and token.nesting != -1:
            return token if token.nesting == 1 or token.block else None
    return None


def _root_relative_urls(site_root: str) -> Callable[[StateCore], None]:
    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type in ("html_block", "html_inline"):
                token.content = _rebase_html(token.content, site_root)
            for child in token.children or ():
                if child.type in ("link_open", "image"):
                    name = "href" if child.type == "link_open" else "src"
                    url = str(child.attrGet(name) or "")
                    if is_relative_path(url):
                        child.attrSet(name, site_root + url)
                elif child.type == "html_inline":
                    child.content = _rebase_html(child.content, site_root)

    return rule


def _rebase_html(html: str, site_root: str) -> str:
    def rebase(match: re.Match[str]) -> str:
        if not is_relative_path(match["url"]):
            return match[0]
        cut = match.start("url") - match.start()
        return match[0][:cut] + site_root + match[0][cut:]

    return _HTML_URL.sub(rebase, html)


def _set_attrs(token: Token, attrs: list[tuple[str, str]]) -> None:
    for key, value in attrs:
        if key == "class":
            existing = token.attrGet("class")
            token.attrSet("class", f"{existing} {value}" if existing else value)
        else:
            token.attrSet(key, value)
