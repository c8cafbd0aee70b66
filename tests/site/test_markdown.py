"""Markdown rendering: data-driven cases, the CommonMark spec, raw HTML switched off, and real
bodies rendered as the markdown-it-py renderer (the one before pulldown-cmark) rendered them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from polyfolio.content.document import parse_document
from polyfolio.site.markdown import MarkdownRenderer, parse_ial, slugify
from tests.shared_data import corpus_files, ids, seed_files, spec_examples
from tests.site.markdown_it_reference import MarkdownItRenderer

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[1] / "fixtures" / "site" / "markdown.yml").read_text("utf-8")
)
RENDERER = MarkdownRenderer()

# Spec examples whose HTML differs beyond what is HTML-equivalent, and why.
SPEC_EXCEPTIONS = {
    175: "pulldown-cmark writes `<li><div>` where the spec has `<li>\\n<div>` (whitespace only)",
}
# With raw HTML off, markdown-it-py (html=False) is the reference; these differ, and why.
HTML_OFF_EXCEPTIONS = {
    201: "`[foo]: <bar>(baz)`: with `<bar>` escaped the line is a link definition (to a harmless"
    " %3Cbar%3E(baz)); markdown-it-py keeps it as text",
    494: "`[a](<b>c)`: the same, the escaped `<b>` becomes part of a link destination",
}
# Tags the engine makes: with raw HTML off, no other tag may appear in the output.
ENGINE_TAGS = set(
    "p h1 h2 h3 h4 h5 h6 ul ol li blockquote pre code em strong a img hr br "
    "table thead tbody tr th td del".split()
)


@pytest.mark.parametrize("case", CASES, ids=[c["title"] for c in CASES])
def test_markdown_case(case: dict[str, Any]) -> None:
    renderer = MarkdownRenderer(
        raw_html=case.get("raw_html", True), site_root=case.get("site_root")
    )
    assert renderer.render(case["input"]) == case["expected"]


def test_raw_html_off_escapes_it() -> None:
    html = MarkdownRenderer(raw_html=False).render("<script>alert(1)</script>\n\nx <b>y</b>\n")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{:.list-inline}", [("class", "list-inline")]),
        ("{: #top .a}", [("id", "top"), ("class", "a")]),
        ("{:.a key='v w'}", [("class", "a"), ("key", "v w")]),
        ('{: title="it\'s" k=\'"q"\'}', [("title", "it's"), ("k", '"q"')]),
        ("{:toc}", []),
        ("not an ial", None),
        ("{:.a} trailing text", None),
    ],
)
def test_parse_ial(text: str, expected: list[tuple[str, str]] | None) -> None:
    assert parse_ial(text) == expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello World", "hello-world"),
        ("Ένεση — Botox®", "ένεση-botox"),
        ("Two\nlines", "two-lines"),
        ("  ", "section"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@given(st.lists(st.sampled_from(["a", "a-1", "a 2", "b", "A", "???", "section"]), max_size=12))
def test_heading_ids_are_unique_in_document_order(titles: list[str]) -> None:
    """Ids as mdit-py-plugins' anchors numbers them: the first free of slug, slug-1, slug-2…"""
    html = RENDERER.render("".join(f"## {title}\n\n" for title in titles))
    used: set[str] = set()
    expected = []
    for title in titles:
        slug, candidate, number = slugify(title), slugify(title), 1
        while candidate in used:
            candidate, number = f"{slug}-{number}", number + 1
        used.add(candidate)
        expected.append(candidate)
    assert re.findall(r'<h2 id="([^"]*)">', html) == expected


def test_commonmark_spec() -> None:
    """All 652 examples of CommonMark 0.31.2 give the spec's HTML, up to what is HTML-equivalent
    (quote escaping in text, the heading ids we add), except the listed ones."""
    examples = spec_examples()
    if not examples:
        pytest.skip("../shared is absent")
    differ = {
        e["example"]
        for e in examples
        if _equivalent(RENDERER.render(e["markdown"])) != _equivalent(e["html"])
    }
    assert differ == set(SPEC_EXCEPTIONS)


def test_site_root_changes_nothing_but_relative_urls_in_the_spec() -> None:
    examples = spec_examples()
    if not examples:
        pytest.skip("../shared is absent")
    rooted = MarkdownRenderer(site_root="/root/")
    rewritten = 0
    for example in examples:
        plain, html = RENDERER.render(example["markdown"]), rooted.render(example["markdown"])
        rewritten += html.count('="/root/')
        assert html.replace('="/root/', '="') == plain, example["example"]
    assert rewritten > 20  # the spec has dozens of relative links and images


def test_raw_html_off_on_the_spec() -> None:
    """With raw HTML off, no example's output holds a tag the engine did not make, and each is
    what markdown-it-py renders with html=False (up to equivalent HTML), except the listed."""
    examples = spec_examples()
    if not examples:
        pytest.skip("../shared is absent")
    ours, reference = MarkdownRenderer(raw_html=False), MarkdownIt("commonmark", {"html": False})
    differ = set()
    for example in examples:
        html = ours.render(example["markdown"])
        assert set(re.findall(r"</?([A-Za-z][A-Za-z0-9-]*)", html)) <= ENGINE_TAGS, example
        assert "<!" not in html and "<?" not in html, example
        if _equivalent(html, spaces=True) != _equivalent(
            reference.render(example["markdown"]), spaces=True
        ):
            differ.add(example["example"])
    assert differ == set(HTML_OFF_EXCEPTIONS)


def _equivalent(html: str, spaces: bool = False) -> str:
    html = re.sub(r'(<h[1-6]) id="[^"]*"', r"\1", html)
    html = html.replace("&quot;", '"').replace("&#39;", "'")
    return re.sub(r">\s+<", "><", html) if spaces else html


def _without_heading_ids(html: str) -> str:
    return re.sub(r'(<h[1-6][^>]*?) id="[^"]*"', r"\1", html)


def _without_line_separators(html: str) -> str:
    return html.replace("\u2028", "")


def _without_comments(html: str) -> str:
    return re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)


def _unchanged(html: str) -> str:
    return html


# Real bodies that render differently from markdown-it-py, why, and what is set aside to compare.
REAL_BODY_DIFFERENCES: dict[str, tuple[str, Callable[[str], str]]] = {
    "UCLA-DataSquad__ucla-datasquad.github.io__07-first-datasquad.md": (
        "raw HTML <h3>/<h4> headings now get ids too",
        _without_heading_ids,
    ),
    "plt156__website__projectSoldTrays.md": (
        "raw HTML <h5> headings now get ids too",
        _without_heading_ids,
    ),
    "untra__polyglot__site__about.en.md": ("a raw HTML <h1> now gets an id", _without_heading_ids),
    "untra__polyglot__site__about.ru.md": ("a raw HTML <h1> now gets an id", _without_heading_ids),
    "schmidb__FamilienFestival__project90.md": (
        "U+2028 ends its list lines: markdown-it-py drops it (Python's line splitting), "
        "pulldown-cmark keeps it as text, as CommonMark says (it is not a line ending)",
        _without_line_separators,
    ),
    "HarveyMerton__harveym__04_fsae.md": (
        "an src inside an HTML comment is no longer made root-relative",
        _without_comments,
    ),
}
REAL_BODIES = seed_files() + corpus_files("portfolio") + corpus_files("multilingual")


@pytest.mark.parametrize("path", REAL_BODIES, ids=ids(REAL_BODIES))
def test_real_bodies_render_as_markdown_it_py_did(path: Path) -> None:
    body = parse_document(str(path), path.read_bytes()).body
    reason, set_aside = REAL_BODY_DIFFERENCES.get(path.name, ("", _unchanged))
    ours = MarkdownRenderer(site_root="/site/").render(body)
    before = MarkdownItRenderer(site_root="/site/").render(body)
    if reason:  # the listed difference is real, so the allow-list stays honest
        assert _real_equivalent(ours) != _real_equivalent(before), reason
    assert _real_equivalent(set_aside(ours)) == _real_equivalent(set_aside(before))


def test_real_bodies_are_there_or_skipped() -> None:
    if not REAL_BODIES:
        pytest.skip("../shared is absent")
    listed = set(REAL_BODY_DIFFERENCES)
    assert listed <= {path.name for path in REAL_BODIES}


def _real_equivalent(html: str) -> str:
    """Set aside what is HTML-equivalent: quote escaping, whitespace between tags, the table
    alignment style's space."""
    html = html.replace("&quot;", '"').replace("&#39;", "'")
    html = html.replace("text-align: ", "text-align:")
    return re.sub(r">\s+<", "><", html).strip()
