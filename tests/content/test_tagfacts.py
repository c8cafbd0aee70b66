"""langcodes' verdicts on the site's codes are cached between runs and give the same answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from polyfolio.content import tagfacts
from polyfolio.content.config import load_config
from polyfolio.content.tagfacts import CACHE_FILE, TagFacts, ask_langcodes, tag_facts
from polyfolio.diagnostics import ContentError

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


def test_second_load_does_not_ask_langcodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _site(tmp_path)
    first = load_config(root)
    assert (root / CACHE_FILE).is_file()
    _refuse_langcodes(monkeypatch)
    second = load_config(root)
    for code in ("en", "gr", "pt-br"):
        assert second.codes.to_bcp47(code) == first.codes.to_bcp47(code)
    assert second.codes.to_bcp47("pt-br") == "pt-BR"
    assert second.codes.is_known("gr")
    names = [second.codes.display_name(code) for code in ("en", "gr", "pt-br")]
    assert names == [first.codes.display_name(code) for code in ("en", "gr", "pt-br")]
    assert names == ["English", "Ελληνικά", "Português (Brasil)"]


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
    tag_facts(tmp_path, ["en"])
    (tmp_path / CACHE_FILE).write_bytes(damage)
    assert tag_facts(tmp_path, ["en", "gr"]) == {
        "en": TagFacts(True, "en", "English"),
        "gr": TagFacts(False, "gr"),
    }


def test_another_langcodes_installation_is_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag_facts(tmp_path, ["en"])
    monkeypatch.setattr(tagfacts, "_langcodes_stamp", lambda: "another installation")
    asked: list[str] = []

    def ask(code: str) -> TagFacts:
        asked.append(code)
        return TagFacts(True, code)

    monkeypatch.setattr(tagfacts, "ask_langcodes", ask)
    tag_facts(tmp_path, ["en"])
    assert asked == ["en"]
