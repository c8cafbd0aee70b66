"""Property-based: any Markdown-ish body copies byte for byte, and pseudo keeps its structure."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from polyfolio.content.document import parse_document
from polyfolio.translate.checks import check_translation
from polyfolio.translate.placeholders import placeholder_tokens
from polyfolio.translate.pseudo import pseudolocalize
from polyfolio.translate.segments import segment_document
from polyfolio.translate.target import build_target, read_target_texts

FRAGMENTS = [
    "word",
    "Ünïcode",
    "λέξη",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "  \n",
    "\r\n",
    "\\\n",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "> ",
    "# ",
    "### ",
    "---",
    "===",
    "```",
    "~~~",
    "    ",
    "*",
    "**",
    "_",
    "__",
    "`",
    "``",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](/url)",
    "](/u 't')",
    "<",
    ">",
    "<span>",
    "</span>",
    "<!-- c -->",
    "<div>",
    "&amp;",
    "&#35;",
    "&nope;",
    "\\*",
    "\\",
    "|",
    "| a | b |\n|---|---|\n",
    ":",
    "{{ x }}",
    "{% y %}",
    "{:.c}",
    "http://x.y/z",
    "a@b.cd",
    "<https://x.y>",
    "[ref]",
    "\n[ref]: /r\n",
    "<x1/>",
    "<b1>",
    "9",
    "\u00a0",
    "\r",
    "\x00",
    "\ufeff",
]
BODIES = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
HASH = "f" * 32
RENDER = MarkdownIt("commonmark").enable("table")


def _source(body: str):  # type: ignore[no-untyped-def]
    return parse_document("p.md", f"---\ntitle: T\nlang: en\n---\n{body}".encode())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES)
def test_copy_translation_is_byte_identical(body: str) -> None:
    source = _source(body)
    segmented = segment_document(source)
    copy = {segment.key: segment.text for segment in segmented.segments}
    target = build_target(segmented, copy, lang="gr", source_hash=HASH)
    assert target.body == source.body
    assert read_target_texts(segmented, target) == copy


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES)
def test_pseudo_translation_keeps_the_rendered_tags(body: str) -> None:
    source = _source(body)
    segmented = segment_document(source)
    pseudo = {segment.key: pseudolocalize(segment.text) for segment in segmented.segments}
    target = build_target(segmented, pseudo, lang="gr", source_hash=HASH)
    assert _tags(RENDER.render(target.body)) == _tags(RENDER.render(source.body))
    # Reading the target back gives texts that write the very same target again.
    texts = read_target_texts(segmented, target)
    assert texts is not None
    assert build_target(segmented, texts, lang="gr", source_hash=HASH).body == target.body


def _tags(html: str) -> list[str]:
    return re.findall(r"</?[a-z][a-z0-9]*", html)


HOSTILE_TEXT = [
    "λέξη",
    " ",
    "\n",
    "\n\n",
    "  \n",
    "# ",
    "## x",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "> ",
    "===",
    "---",
    "***",
    "```",
    "~~~",
    "    ",
    "\t",
    "[x]: /y",
    "|---|",
    "| a |",
    "\\",
    "9.",
]
BLOCK_TAGS = re.compile(r"</?(?:p|h[1-6]|ul|ol|li|blockquote|pre|hr|table|thead|tbody|tr|th|td)\b")


@st.composite
def _answers(draw: st.DrawFn, text: str) -> str:
    """Any text around the segment's own tokens, kept in their order (never empty: checks
    refuse empty answers before anything is written)."""
    pieces = [draw(st.lists(st.sampled_from(HOSTILE_TEXT), max_size=4).map("".join))]
    for token in placeholder_tokens(text):
        pieces.append(token)
        pieces.append(draw(st.lists(st.sampled_from(HOSTILE_TEXT), max_size=4).map("".join)))
    return "".join(pieces) + " λέξη"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES, st.data())
def test_no_accepted_answer_changes_the_block_structure(body: str, data: st.DataObject) -> None:
    source = _source(body)
    segmented = segment_document(source, ())
    answers = {s.key: data.draw(_answers(s.text)) for s in segmented.segments}
    # what the checks refuse is never written (build_target refuses it too)
    accepted = {
        s.key: answers[s.key] if not check_translation(s, answers[s.key]) else s.text
        for s in segmented.segments
    }
    target = build_target(segmented, accepted, lang="gr", source_hash=HASH)
    blocks = BLOCK_TAGS.findall(RENDER.render(source.body))
    assert BLOCK_TAGS.findall(RENDER.render(target.body)) == blocks
