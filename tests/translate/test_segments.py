"""Segmentation: which text an engine sees, and what stays layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from shared_data import ids, seed_files

from polyfolio.content.document import parse_document
from polyfolio.diagnostics import ContentError
from polyfolio.translate.segments import DEFAULT_TRANSLATABLE, segment_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "translate"
CASES: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "segments.yml").read_text("utf-8"))


def _document(body: str, front: str = "title: T\n") -> Any:
    return parse_document("item.md", f"---\n{front}---\n{body}".encode())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_body_segments(case: dict[str, Any]) -> None:
    segmented = segment_document(_document(case["markdown"]), translatable=())
    assert [[s.kind, s.text] for s in segmented.segments] == case["segments"]
    assert [s.key for s in segmented.segments] == [
        f"body:{n}" for n in range(len(segmented.segments))
    ]


def test_placeholders_name_their_markup_in_order() -> None:
    segmented = segment_document(_document("See [our clinic](/c 'T') and `x`.\n"), ())
    (segment,) = segmented.segments
    assert segment.placeholders == (("<a1>", "["), ("</a1>", "](/c 'T')"), ("<x2/>", "`x`"))


def test_front_matter_values_in_file_order_and_only_non_empty_strings() -> None:
    front = (
        "caption: # grid\n  title: Botox\n  subtitle: \n  thumbnail: a.webp\n"
        "title: Botox &amp; more <br>\nalt: '2024'\ndescription: [not, a, string]\nlang: en\n"
    )
    segmented = segment_document(_document("", front))
    got = [(s.key, s.kind, s.text, s.line) for s in segmented.segments]
    assert got == [
        ("fm:caption.title", "front", "Botox", 3),
        ("fm:title", "front", "Botox <x1/> more <x2/>", 6),
    ]


def test_configurable_front_matter_paths() -> None:
    segmented = segment_document(
        _document("", "title: A\nteaser:\n  text: Hello\n"), ["teaser.text"]
    )
    assert [s.key for s in segmented.segments] == ["fm:teaser.text"]


def test_lines_point_into_the_file() -> None:
    segmented = segment_document(_document("# Head\n\nPara one\n\n- item\n"), ())
    assert [s.line for s in segmented.segments] == [4, 6, 8]


def test_crlf_body_keeps_its_line_endings_in_the_layout() -> None:
    document = parse_document("x.md", b"---\r\ntitle: T\r\n---\r\nOne\r\n> two  \r\n> three\r\n")
    segmented = segment_document(document, ())
    assert [s.text for s in segmented.segments] == ["One", "two\nthree"]
    assert segmented.layouts["body:1"].joints == ("  \r\n> ",)


@pytest.mark.parametrize("seed", seed_files(), ids=ids(seed_files()))
def test_seeds_segment_as_their_structure_says(seed: Path) -> None:
    document = parse_document(str(seed), seed.read_bytes())
    segmented = segment_document(document, DEFAULT_TRANSLATABLE)
    keys = [s.key for s in segmented.segments]
    # empty `subtitle:` values are not segments; the rest of the grid/detail text is
    assert keys[:3] == ["fm:caption.title", "fm:title", "fm:alt"]
    kinds = [s.kind for s in segmented.segments[3:]]
    assert kinds[0] == "heading" and set(kinds) == {"heading", "list_item", "paragraph"}
    assert all(not s.placeholders for s in segmented.segments)  # plain prose
    # nested items behind "  -\t" are their own segments; no prefix byte reaches an engine
    assert not any(s.text.startswith(("-", "\t", " ")) for s in segmented.segments)
    assert not any(s.text != s.text.strip() for s in segmented.segments)


def test_unclosed_front_matter_is_a_content_error() -> None:
    with pytest.raises(ContentError):
        parse_document("x.md", b"---\ntitle: x\n")


def test_front_matter_that_is_a_list_is_a_content_error() -> None:
    with pytest.raises(ContentError) as raised:
        segment_document(_document("Body\n", "- a\n- b\n"))
    assert "item.md:2:1" in str(raised.value)
