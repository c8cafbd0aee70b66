"""Onboarding the seeds' situation: translations made by another tool, from a source version
nobody kept.  ``--accept`` marks them current changing only ``source_hash``; afterwards a source
edit is retranslated paragraph by paragraph and the other paragraphs' Greek is kept.

The English sources are generated at test time from the seeds' structure (every line keeps its
list marker, indentation and TAB; its text becomes invented English), so the seeds' own text is
never copied into the project.  Lines that are near-identical in both seeds — the same English
paragraph that the other tool translated two ways — get one English text in both sources.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from servers.openai_server import FakeOpenAI

from polyfolio.content.document import md5_hex
from polyfolio.content.site import load_site
from polyfolio.translate.consistency import consistency_warnings
from polyfolio.translate.memory import TranslationMemory
from polyfolio.translate.settings import DEFAULT_TRANSLATABLE
from tests.shared_data import SEEDS, require, write_site
from tests.translate.sitekit import CONFIG, FAKE_KEY, edit, is_current, run

Capsys = pytest.CaptureFixture[str]
NAMES = ("botulinum-treatment", "anti-wrinkle-treatment")
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
PREFIX = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+)?(?:[-*+][ \t]+)?")
SHARED_LINE = 28  # a paragraph both seeds hold in two different Greek versions


def _seed_lines(name: str) -> list[str]:
    return (require(SEEDS / f"{name}.gr.md")).read_text(encoding="utf-8").split("\n")


def english_source(name: str, other: str) -> str:
    lines, others = _seed_lines(name), _seed_lines(other)
    closing = lines.index("---", 1)
    out = []
    for number, line in enumerate(lines):
        if number < closing:
            if line.startswith("source_hash:"):
                continue
            line = line.replace("lang: gr", "lang: en")
            out.append(GREEK.sub("x", line) if GREEK.search(line) else line)
            continue
        if not GREEK.search(line):
            out.append(line)
            continue
        prefix = PREFIX.match(line).group()  # type: ignore[union-attr]
        trailing = line[len(line.rstrip()) :]
        near = number < len(others) and (
            difflib.SequenceMatcher(None, line, others[number]).ratio() > 0.75
        )
        text = f"Shared text of line {number}." if near else f"Line {number} of the {name} page."
        out.append(prefix + text + trailing)
    return "\n".join(out)


@pytest.fixture
def seed_site(tmp_path: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    files: dict[str, str | bytes] = {
        "_config.yml": CONFIG.format(base_url=fake_openai.base_url, concurrency=2)
    }
    for name, other in (NAMES, NAMES[::-1]):
        files[f"_portfolio/{name}.md"] = english_source(name, other)
        files[f"_portfolio/{name}.gr.md"] = (SEEDS / f"{name}.gr.md").read_bytes()
    return write_site(tmp_path / "site", files)


def test_accept_changes_only_the_source_hash_and_makes_the_seeds_current(
    seed_site: Path, fake_openai: FakeOpenAI, capsys: Capsys
) -> None:
    before = run(capsys, "translate", seed_site, "--dry-run", "--json")
    assert before.code == 0
    assert before.json["segments"] == 0  # nothing a human may have written is planned over
    assert len(before.json["skipped"]) == 2

    outcome = run(capsys, "translate", seed_site, "--accept", "--to", "gr")
    assert outcome.code == 0, outcome.err
    assert "accepted 2 translations" in outcome.out
    for name in NAMES:
        seed = (SEEDS / f"{name}.gr.md").read_bytes()
        old = re.search(rb"source_hash: ([0-9a-f]{32})", seed).group(1)  # type: ignore[union-attr]
        new = md5_hex((seed_site / f"_portfolio/{name}.md").read_bytes()).encode()
        assert (seed_site / f"_portfolio/{name}.gr.md").read_bytes() == seed.replace(old, new)
        assert is_current(seed_site, f"_portfolio/{name}.gr.md")
    with TranslationMemory.open(seed_site) as memory:
        assert memory.count() > 0  # the aligned pairs were kept as accepted translations

    again = run(capsys, "translate", seed_site)
    assert again.code == 0, again.err
    assert fake_openai.requests == []


def test_after_accepting_a_source_edit_sends_only_that_paragraph(
    seed_site: Path, fake_openai: FakeOpenAI, capsys: Capsys
) -> None:
    assert run(capsys, "translate", seed_site, "--accept").code == 0
    accepted = (seed_site / "_portfolio/botulinum-treatment.gr.md").read_text(encoding="utf-8")
    edit(
        seed_site / "_portfolio/botulinum-treatment.md",
        f"Shared text of line {SHARED_LINE}.",
        "A paragraph the clinic rewrote.",
    )
    outcome = run(capsys, "translate", seed_site)
    assert outcome.code == 0, outcome.err
    assert [text for _, text in fake_openai.sent_segments()] == ["A paragraph the clinic rewrote."]
    written = (seed_site / "_portfolio/botulinum-treatment.gr.md").read_text(encoding="utf-8")
    assert is_current(seed_site, "_portfolio/botulinum-treatment.gr.md")
    old_lines, new_lines = accepted.split("\n"), written.split("\n")
    assert len(new_lines) == len(old_lines)
    changed = {n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b}
    hash_line = next(n for n, line in enumerate(new_lines) if line.startswith("source_hash:"))
    assert changed == {hash_line, SHARED_LINE}  # every other byte of the seed is kept
    assert new_lines[SHARED_LINE] == "A PARAGRAPH THE CLINIC REWROTE."


def test_the_seeds_own_inconsistency_is_reported(seed_site: Path, capsys: Capsys) -> None:
    assert run(capsys, "translate", seed_site, "--accept").code == 0
    warnings = consistency_warnings(load_site(seed_site), DEFAULT_TRANSLATABLE, ())
    messages = [str(w) for w in warnings]
    assert any(
        f"_portfolio/botulinum-treatment.gr.md:{SHARED_LINE + 1}:" in m
        or f"_portfolio/anti-wrinkle-treatment.gr.md:{SHARED_LINE + 1}:" in m
        for m in messages
    ), messages
    assert all("translated differently" in m for m in messages)


def test_a_site_without_stale_items_accepts_nothing(tmp_path: Path, capsys: Capsys) -> None:
    site = write_site(tmp_path, {"_config.yml": "polyfolio:\n  languages: [en, gr]\n"})
    outcome = run(capsys, "translate", site, "--accept")
    assert outcome.code == 0 and "accepted 0 translations" in outcome.out
