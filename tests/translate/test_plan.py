"""Plan details: where new translations go, how jobs are batched, what needs no engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from polyfolio.translate.plan import Job, has_words, target_rel_for
from polyfolio.translate.run import batches
from polyfolio.translate.segments import Segment
from tests.translate.sitekit import make_site, run

TARGET_PATHS = [
    ("_portfolio/peel.md", "_portfolio/peel.gr.md"),
    ("_portfolio/peel.en.md", "_portfolio/peel.gr.md"),
    ("_portfolio/en/peel.md", "_portfolio/gr/peel.md"),
    ("_portfolio/en/face/peel.md", "_portfolio/gr/face/peel.md"),
    ("_portfolio/face/peel.markdown", "_portfolio/face/peel.gr.markdown"),
    ("_portfolio/english.md", "_portfolio/english.gr.md"),
    ("_portfolio/v1.2.md", "_portfolio/v1.2.gr.md"),
]


@pytest.mark.parametrize(("source", "target"), TARGET_PATHS)
def test_where_a_new_translation_goes(source: str, target: str) -> None:
    assert target_rel_for(source, "en", "gr") == target


def _job(lang: str, text: str) -> Job:
    return Job(lang, Segment(key="body:0", kind="paragraph", text=text, placeholders=(), line=1))


def test_batches_keep_one_language_and_both_limits() -> None:
    jobs = [_job("gr", "a" * 10), _job("de", "b"), _job("gr", "c" * 10), _job("gr", "d" * 30)]
    jobs += [_job("gr", "e"), _job("gr", "f"), _job("gr", "g")]
    found = [[job.text for job in batch] for batch in batches(jobs, 3, 25)]
    assert found == [["a" * 10, "c" * 10], ["d" * 30], ["e", "f", "g"], ["b"]]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hello", True),
        ("<x1/> and <x2/>", True),
        ("<x1/>", False),
        ("2024 — 15%", False),
        ("<b1>Bold</b1>", True),
        ("", False),
        ("Ελληνικά", True),
    ],
)
def test_only_text_with_letters_outside_placeholders_goes_to_an_engine(
    text: str, words: bool
) -> None:
    assert has_words(text) is words


def test_a_file_in_the_way_of_a_new_translation_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path, "http://127.0.0.1:9/v1")
    blocker = site / "_portfolio/peel.gr.md"
    blocker.write_bytes(b"---\ntitle: [unclosed\n---\nSomeone's draft.\n")
    outcome = run(capsys, "translate", site, "--engine", "copy")
    assert outcome.code == 1
    assert (
        "_portfolio/peel.gr.md:1:1: error: the gr translation of _portfolio/peel.md" in outcome.err
    )
    assert blocker.read_bytes() == b"---\ntitle: [unclosed\n---\nSomeone's draft.\n"
    assert (site / "_portfolio/laser.gr.md").is_file()
