"""langcodes' verdicts on the site's codes: shipped for common codes, cached between runs for
the rest, and the same answers either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polyfolio.content import tagfacts
from polyfolio.content.config import load_config
from polyfolio.content.tagfacts import (
    CACHE_FILE,
    SHIPPED_TABLE,
    TagFacts,
    ask_langcodes,
    shipped_facts,
    tag_facts,
)
from polyfolio.diagnostics import ContentError
from tools.language_table import codes, table

RARE = "tlh"  # Klingon: valid, and outside the shipped table

CONFIG = "polyfolio:\n  source_lang: en\n  languages: [en, gr, pt-br]\n  bcp47:\n    gr: {tag}\n"


def _site(tmp_path: Path, tag: str = "el") -> Path:
    (tmp_path / "_config.yml").write_text(CONFIG.format(tag=tag), encoding="utf-8")
    return tmp_path


def _refuse_langcodes(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(code: str) -> TagFacts:
        raise AssertionError(f"langcodes asked about {code!r}")

    monkeypatch.setattr(tagfacts, "ask_langcodes", refuse)


@pytest.mark.parametrize(
    ("code", "facts"),
    [
        ("en", TagFacts(True, "en", "English")),
        ("pt-br", TagFacts(True, "pt-BR", "português (Brasil)")),
        ("el", TagFacts(True, "el", "Ελληνικά")),
        ("gr", TagFacts(False, "gr")),
    ],
)
def test_facts_are_langcodes_verdicts(code: str, facts: TagFacts) -> None:
    assert ask_langcodes(code) == facts


def test_common_codes_are_answered_without_langcodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _refuse_langcodes(monkeypatch)
    config = load_config(_site(tmp_path))
    assert config.codes.to_bcp47("pt-br") == "pt-BR"
    assert [config.codes.display_name(c) for c in ("en", "gr", "pt-br")] == [
        "English",
        "Ελληνικά",
        "Português (Brasil)",
    ]
    assert not (tmp_path / CACHE_FILE).exists()  # nothing was asked, nothing to keep


def test_shipped_table_is_the_installed_langcodes_verdicts() -> None:
    """The table must be regenerated (python -m tools.language_table) when it disagrees."""
    fresh = table()
    rows = fresh["facts"]
    assert isinstance(rows, dict)
    assert {code: (valid, standard) for code, (valid, standard, _) in rows.items()} == {
        code: (fact.valid, fact.standard) for code, fact in shipped_facts().items()
    }
    assert set(codes()) <= shipped_facts().keys()
    shipped_with = json.loads(SHIPPED_TABLE.read_text("utf-8"))["generated_with"]
    if fresh["generated_with"] == shipped_with:  # names change with language_data releases
        names = {code: name for code, (_, _, name) in rows.items()}
        assert {code: fact.autonym for code, fact in shipped_facts().items()} == names


def test_second_load_does_not_ask_langcodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path
    (root / "_config.yml").write_text(
        f"polyfolio:\n  source_lang: en\n  languages: [en, {RARE}]\n", encoding="utf-8"
    )
    first = load_config(root)
    assert (root / CACHE_FILE).is_file()
    assert first.codes.display_name(RARE) == "Klingon"
    _refuse_langcodes(monkeypatch)
    second = load_config(root)
    assert second.codes.is_known(RARE)
    assert second.codes.display_name(RARE) == "Klingon"


def test_bad_override_is_located_also_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _site(tmp_path, tag="'el-!!'")
    for _attempt in range(2):
        with pytest.raises(ContentError) as caught:
            load_config(root)
        assert str(caught.value.diagnostic) == (
            "_config.yml:5:9: error: 'el-!!' is not a valid BCP 47 language tag"
        )
        _refuse_langcodes(monkeypatch)  # the second attempt is answered by the cache


@pytest.mark.parametrize("damage", [b"\x00garbage", b""])
def test_damaged_cache_is_asked_again(tmp_path: Path, damage: bytes) -> None:
    tag_facts(tmp_path, [RARE])
    (tmp_path / CACHE_FILE).write_bytes(damage)
    assert tag_facts(tmp_path, [RARE, "gr"]) == {
        RARE: TagFacts(True, RARE, "Klingon"),
        "gr": TagFacts(False, "gr"),
    }


def test_another_langcodes_installation_is_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag_facts(tmp_path, [RARE])
    monkeypatch.setattr(tagfacts, "_langcodes_stamp", lambda: "another installation")
    asked: list[str] = []

    def ask(code: str) -> TagFacts:
        asked.append(code)
        return TagFacts(True, code)

    monkeypatch.setattr(tagfacts, "ask_langcodes", ask)
    tag_facts(tmp_path, [RARE, "en"])
    assert asked == [RARE]
