"""Hostile bodies: huge, deep or odd input still segments, writes back and reads back.

The timeouts are hang guards, far above the real cost (well under a second each here): the
read-back of a 1,000-deep list once took a minute through a backtracking regex.
"""

from __future__ import annotations

import pytest

from polyfolio.content.document import parse_document
from polyfolio.translate.pseudo import pseudolocalize
from polyfolio.translate.segments import segment_document
from polyfolio.translate.target import build_target, read_target_texts

BODIES = {
    "a list nested 1,000 deep": "".join("  " * depth + "- item\n" for depth in range(1000)),
    "5,000 paragraphs with markup": "Some *text* with [a link](/x) and `code`.\n\n" * 5000,
    "one long paragraph of markup": "w [ref] *em* {{ x }} `c` <b>y</b> &amp; " * 2000
    + "\n\n[ref]: /r\n",
    "NUL, lone CR and mixed line endings": "a\x00b\rc\r\nd\n\n- e\r  f\n",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_hostile_body_round_trips(body: str) -> None:
    source = parse_document("x.md", f"---\ntitle: T\n---\n{body}".encode())
    segmented = segment_document(source)
    copy = {segment.key: segment.text for segment in segmented.segments}
    assert build_target(segmented, copy, lang="gr", source_hash="0" * 32).body == body
    pseudo = {segment.key: pseudolocalize(segment.text) for segment in segmented.segments}
    target = build_target(segmented, pseudo, lang="gr", source_hash="0" * 32)
    texts = read_target_texts(segmented, target)
    assert texts is not None
    assert build_target(segmented, texts, lang="gr", source_hash="0" * 32).body == target.body
