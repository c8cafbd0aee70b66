"""The first experience after `polyfolio new`: edit one English paragraph, translate, and only
that paragraph is sent and changed — because the example ships its translation memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polyfolio.cli import main
from polyfolio.content.site import load_site
from polyfolio.translate.memory import TranslationMemory
from tests.shared_data import EXAMPLE_SITE, require


def test_example_memory_holds_every_source_translated_from() -> None:
    site = load_site(require(EXAMPLE_SITE))
    sources = {item.md5 for item in site.items if item.lang == site.source_lang}
    with TranslationMemory.open_existing(site.root) as memory:
        assert sources <= memory.source_hashes()


def test_first_edit_after_new_sends_only_the_edited_paragraph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "clinic"
    assert main(["new", str(site)]) == 0
    source = site / "_portfolio" / "chemical-peel.md"
    target = site / "_portfolio" / "chemical-peel.gr.md"
    before_target = target.read_text(encoding="utf-8").splitlines()
    text = source.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    paragraph = next(p for p in body.split("\n\n") if len(p) > 120 and p[0].isalpha())
    source.write_text(text.replace(paragraph, "A new paragraph about aftercare."), encoding="utf-8")
    capsys.readouterr()

    assert main(["translate", str(site), "--engine", "pseudo", "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["segments"] == 1
    assert plan["characters"] == len("A new paragraph about aftercare.")

    assert main(["translate", str(site), "--engine", "pseudo"]) == 0
    after_target = target.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before_target, after_target, strict=True) if a != b]
    assert [b.startswith("source_hash:") for _, b in changed].count(True) == 1
    body_changes = [b for _, b in changed if not b.startswith("source_hash:")]
    assert len(body_changes) == 1 and "⟦" in body_changes[0]
    assert main(["status", str(site), "--check"]) == 0
