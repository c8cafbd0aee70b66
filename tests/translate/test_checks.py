"""Checks on engine answers: malicious or broken answers are refused, good ones pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from polyfolio.content.document import parse_document
from polyfolio.translate.checks import check_translation
from polyfolio.translate.pseudo import pseudolocalize
from polyfolio.translate.segments import Segment, segment_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "translate"
CASES: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "checks.yml").read_text("utf-8"))


def _segment(markdown: str) -> Segment:
    document = parse_document("x.md", f"---\n---\n{markdown}\n".encode())
    return segment_document(document, ()).segments[0]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_check_translation(case: dict[str, Any]) -> None:
    problems = check_translation(_segment(case["markdown"]), case["answer"])
    assert [problem.code for problem in problems] == case["problems"]
    assert all(problem.message for problem in problems)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_source_text_and_its_pseudo_translation_pass(case: dict[str, Any]) -> None:
    segment = _segment(case["markdown"])
    assert check_translation(segment, segment.text) == []
    assert check_translation(segment, pseudolocalize(segment.text)) == []
