"""Pseudo-localization: accented, longer, bracketed — and the page keeps its structure."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from markdown_it import MarkdownIt
from shared_data import spec_examples

from polyfolio.content.document import parse_document
from polyfolio.translate.placeholders import placeholder_tokens
from polyfolio.translate.pseudo import pseudolocalize
from polyfolio.translate.segments import segment_document
from polyfolio.translate.target import build_target

SPEC = spec_examples()
RENDERERS = {
    "commonmark": MarkdownIt("commonmark"),
    "commonmark+table": MarkdownIt("commonmark").enable("table"),
}


def test_the_example_from_the_brief() -> None:
    assert pseudolocalize("Test") == "⟦!! Ŧêśŧ ·· !!⟧"


@pytest.mark.parametrize(
    "text",
    [
        "Book <b1>now</b1> at <a2>our clinic</a2><x3/>",
        "Visit https://example.com/Path?q=Abc or mail Info@Example.com",
        "Two\nlines",
    ],
)
def test_placeholders_urls_and_lines_are_untouched(text: str) -> None:
    pseudo = pseudolocalize(text)
    assert placeholder_tokens(pseudo) == placeholder_tokens(text)
    assert pseudo.count("\n") == text.count("\n")
    for kept in ("https://example.com/Path?q=Abc", "Info@Example.com"):
        assert (kept in pseudo) == (kept in text)
    assert pseudo.startswith("⟦!! ") and pseudo.endswith(" !!⟧")


def test_about_thirty_percent_longer() -> None:
    text = "Botulinum toxin relaxes the muscles that cause expression lines."
    padding = pseudolocalize(text).count("·")
    assert round(len(text) * 0.3) <= padding <= round(len(text) * 0.3) + 1


def test_blank_text_stays_blank() -> None:
    assert pseudolocalize("  ") == "  "


class _Structure(HTMLParser):
    """Start/end tags with attributes (alt text aside: it is translated), code text, comments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[Any, ...]] = []
        self.in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = tuple((name, None if name == "alt" else value) for name, value in attrs)
        self.items.append(("start", tag, kept))
        self.in_code += tag == "code"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.in_code -= tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("end", tag))
        self.in_code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if self.in_code:
            self.items.append(("code", data))

    def handle_comment(self, data: str) -> None:
        self.items.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.items.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.items.append(("pi", data))


def _structure(html: str) -> list[tuple[Any, ...]]:
    # CommonMark (and HTML5) read "<!-->" and "<!--->" as complete empty comments; Python's
    # html.parser would run them on to the next "-->", swallowing the text between into the
    # comment (spec example 626).  Spell them the way html.parser reads as the same comment.
    html = html.replace("<!--->", "<!---->").replace("<!-->", "<!---->")
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.items


@pytest.mark.parametrize("example", SPEC, ids=[f"spec-{e['example']}" for e in SPEC])
def test_pseudo_target_keeps_the_structure_of_every_commonmark_example(
    example: dict[str, Any],
) -> None:
    source = parse_document("spec.md", f"---\ntitle: Example\n---\n{example['markdown']}".encode())
    segmented = segment_document(source)
    pseudo = {segment.key: pseudolocalize(segment.text) for segment in segmented.segments}
    target = build_target(segmented, pseudo, lang="gr", source_hash="0" * 32)
    for segment in segmented.segments:
        if segment.kind != "front":
            assert "⟦!!" in target.body  # the text really changed
            break
    for renderer in RENDERERS.values():
        assert _structure(renderer.render(target.body)) == _structure(renderer.render(source.body))
        assert _untranslatable(renderer, target.body) == _untranslatable(renderer, source.body)


_KEPT = ("code_inline", "code_block", "fence", "html_inline", "html_block")


def _untranslatable(renderer: MarkdownIt, body: str) -> list[tuple[str, str]]:
    """Code, raw HTML and every link or image destination, in order."""
    found: list[tuple[str, str]] = []
    stack = list(reversed(renderer.parse(body)))
    while stack:
        token = stack.pop()
        if token.type in _KEPT:
            found.append((token.type, token.content))
        for name in ("href", "src"):
            if token.attrGet(name) is not None:
                found.append((name, str(token.attrGet(name))))
        stack.extend(reversed(token.children or []))
    return found
