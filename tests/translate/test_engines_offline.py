from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from polyfolio.translate.engines import (
    ENGINE_NAMES,
    BatchContext,
    EngineNotConfigured,
    Request,
    create_engine,
    engine_settings_key,
)
from polyfolio.translate.engines.keys import api_key
from polyfolio.translate.placeholders import placeholder_tokens
from polyfolio.translate.pseudo import pseudolocalize
from polyfolio.translate.settings import TranslateSettings

CONTEXT = BatchContext("en", "el")
BATCH = [Request("a", "Botox <x1/> eases <i2>frown</i2> lines."), Request("b", "")]


def test_no_engine_says_how_to_configure_one() -> None:
    with pytest.raises(EngineNotConfigured) as caught:
        create_engine(TranslateSettings())
    message = str(caught.value)
    assert "polyfolio.translate.engine" in message
    assert "--engine" in message
    assert all(name in message for name in ENGINE_NAMES)


def test_copy_returns_every_text_unchanged() -> None:
    engine = create_engine(TranslateSettings(engine="copy"))
    result = asyncio.run(engine.translate(BATCH, CONTEXT))
    assert result == {"a": BATCH[0].text, "b": ""}
    assert engine.settings_key() == "copy"
    asyncio.run(engine.aclose())


def test_pseudo_uses_the_pseudolocalizer() -> None:
    engine = create_engine(TranslateSettings(engine="pseudo"))
    result = asyncio.run(engine.translate(BATCH, CONTEXT))
    assert result == {request.id: pseudolocalize(request.text) for request in BATCH}
    assert result["a"] != BATCH[0].text
    assert placeholder_tokens(result["a"]) == placeholder_tokens(BATCH[0].text)
    assert engine.settings_key() == "pseudo"


def test_keys_come_from_the_named_file_first_then_the_environment(tmp_path: Path) -> None:
    keys = tmp_path / "keys.env"
    keys.write_text(
        '# site keys\nexport DEEPL_AUTH_KEY="from-file"\nOPENAI_API_KEY=\n', encoding="utf-8"
    )
    environ = {"DEEPL_AUTH_KEY": "from-env", "OPENAI_API_KEY": "env-openai"}
    assert api_key("DEEPL_AUTH_KEY", keys, environ) == "from-file"
    assert api_key("OPENAI_API_KEY", keys, environ) == "env-openai"  # empty in the file
    assert api_key("OPENAI_API_KEY", None, environ) == "env-openai"
    assert api_key("OPENAI_API_KEY", None, {"OPENAI_API_KEY": "  "}) is None
    assert api_key("OTHER", keys, environ) is None


def test_an_unreadable_keys_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(EngineNotConfigured, match="cannot read the keys file"):
        api_key("OPENAI_API_KEY", tmp_path, {})  # a folder, not a file


@pytest.mark.parametrize(
    "settings",
    [
        TranslateSettings(engine="copy"),
        TranslateSettings(engine="pseudo"),
        TranslateSettings(engine="openai", model="llama3", base_url="http://127.0.0.1:9/v1"),
        TranslateSettings(engine="deepl"),
    ],
    ids=lambda settings: str(settings.engine),
)
def test_settings_key_is_known_without_a_client_or_key(settings: TranslateSettings) -> None:
    engine = create_engine(settings, environ={"DEEPL_AUTH_KEY": "k", "OPENAI_API_KEY": "k"})
    assert engine_settings_key(settings) == engine.settings_key()
    asyncio.run(engine.aclose())


def test_settings_key_needs_an_engine_and_an_openai_model() -> None:
    with pytest.raises(EngineNotConfigured, match="--engine"):
        engine_settings_key(TranslateSettings())
    with pytest.raises(EngineNotConfigured, match="model"):
        engine_settings_key(TranslateSettings(engine="openai"))
