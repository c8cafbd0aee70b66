"""Markdown rendering: data-driven cases, the CommonMark spec, and raw HTML switched off."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from polyfolio.site.markdown import MarkdownRenderer, parse_ial, slugify
from tests.shared_data import spec_examples

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[1] / "fixtures" / "site" / "markdown.yml").read_text("utf-8")
)
RENDERER = MarkdownRenderer()


@pytest.mark.parametrize("case", CASES, ids=[c["title"] for c in CASES])
def test_markdown_case(case: dict[str, Any]) -> None:
    renderer = MarkdownRenderer(site_root=case["site_root"]) if "site_root" in case else RENDERER
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
        ("{:toc}", []),
        ("not an ial", None),
        ("{:.a} trailing text", None),
    ],
)
def test_parse_ial(text: str, expected: list[tuple[str, str]] | None) -> None:
    assert parse_ial(text) == expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Hello World", "hello-world"), ("Ένεση — Botox®", "ένεση-botox"), ("  ", "section")],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_our_rules_leave_commonmark_as_markdown_it_renders_it() -> None:
    """The IAL rule, heading ids and GFM tables change nothing in the CommonMark spec's 652
    examples beyond the ids (markdown-it-py's own deviations, e.g. empty blockquotes, stay)."""
    examples = spec_examples()
    if not examples:
        pytest.skip("../shared is absent")
    ours = MarkdownRenderer()
    plain = MarkdownIt("commonmark")
    changed = [
        e["example"]
        for e in examples
        if _strip_heading_ids(ours.render(e["markdown"])) != plain.render(e["markdown"])
    ]
    assert changed == []


def _strip_heading_ids(html: str) -> str:
    return re.sub(r'(<h[1-6]) id="[^"]*"', r"\1", html)
