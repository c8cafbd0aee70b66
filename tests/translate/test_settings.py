from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from msgspec.structs import replace

from polyfolio.content.config import load_config
from polyfolio.diagnostics import ContentError
from polyfolio.translate.engines.base import BatchContext, EngineNotConfigured, Term
from polyfolio.translate.settings import (
    DEFAULT_TRANSLATABLE,
    GlossaryEntry,
    TranslateSettings,
    load_translate_settings,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "translate"
ERROR_CASES: list[dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "settings_errors.yml").read_text(encoding="utf-8")
)


def load(tmp_path: Path, config: str, engine: str | None = None) -> TranslateSettings:
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    return load_translate_settings(load_config(tmp_path), engine, root=tmp_path)


@pytest.mark.parametrize("case", ERROR_CASES, ids=[case["name"] for case in ERROR_CASES])
def test_bad_values_point_at_their_line_and_column(tmp_path: Path, case: dict[str, Any]) -> None:
    with pytest.raises(ContentError) as caught:
        load(tmp_path, case["config"])
    diagnostic = caught.value.diagnostic
    assert f"{diagnostic.location.line}:{diagnostic.location.col}" == case["at"]
    assert diagnostic.location.path == "_config.yml"
    assert case["says"] in diagnostic.message


def test_defaults_without_a_section(tmp_path: Path) -> None:
    settings = load(tmp_path, "title: Clinic\n")
    assert settings == TranslateSettings()
    assert settings.engine is None
    assert settings.concurrency == 4
    assert settings.translatable == DEFAULT_TRANSLATABLE


def test_every_setting_is_read(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "keys.env").write_text("OPENAI_API_KEY=x\n", encoding="utf-8")
    settings = load(
        tmp_path,
        """\
polyfolio:
  languages: [en, gr]
  translate:
    engine: openai
    model: llama3.1
    base_url: http://127.0.0.1:11434/v1
    keys: secrets/keys.env
    glossary:
      botulinum toxin: {gr: αλλαντική τοξίνη}
      crow's feet:
        gr: πόδι της χήνας
    do_not_translate: [Botox, Dysport, Botox]
    concurrency: 8
    timeout: 2.5
    max_retries: 0
    translatable: [caption.title, alt]
""",
    )
    assert settings == TranslateSettings(
        engine="openai",
        model="llama3.1",
        base_url="http://127.0.0.1:11434/v1",
        keys_file=tmp_path / "secrets" / "keys.env",
        glossary=(
            GlossaryEntry("botulinum toxin", {"gr": "αλλαντική τοξίνη"}),
            GlossaryEntry("crow's feet", {"gr": "πόδι της χήνας"}),
        ),
        do_not_translate=("Botox", "Dysport"),
        concurrency=8,
        timeout=2.5,
        max_retries=0,
        translatable=("caption.title", "alt"),
        language_tags={"en": "en", "gr": "el"},
    )
    assert settings.glossary_for("el") == {
        "botulinum toxin": "αλλαντική τοξίνη",
        "crow's feet": "πόδι της χήνας",
    }
    assert settings.glossary_for("de") == {}


def test_engine_override_wins_and_is_checked(tmp_path: Path) -> None:
    config = "polyfolio:\n  translate:\n    engine: openai\n"
    assert load(tmp_path, config, "copy").engine == "copy"
    with pytest.raises(EngineNotConfigured, match="unknown engine 'google'"):
        load(tmp_path, config, "google")


def test_batch_context_holds_only_terms_that_occur() -> None:
    settings = TranslateSettings(
        glossary=(
            GlossaryEntry("botulinum toxin", {"gr": "αλλαντική τοξίνη"}),
            GlossaryEntry("filler", {"gr": "ενέσιμο υλικό"}),
            GlossaryEntry("neck", {"de": "Hals"}),
        ),
        do_not_translate=("Botox", "Dysport"),
    )
    texts = ["Botulinum Toxin (BOTOX) relaxes the neck.", "No fillers here."]
    context = settings.batch_context(texts, source_lang="en", target_lang="el", target_code="gr")
    assert context == BatchContext(
        "en", "el", (Term("botulinum toxin", "αλλαντική τοξίνη"),), ("Botox",)
    )
    tagged = replace(settings, language_tags={"gr": "el", "de": "de"})
    assert tagged.batch_context(texts, source_lang="en", target_lang="el") == context
    german = tagged.batch_context(texts, source_lang="en", target_lang="de")
    assert german.glossary == (Term("neck", "Hals"),)
