from __future__ import annotations

import asyncio

import pytest

from polyfolio.translate.engines import (
    ENGINE_NAMES,
    BatchContext,
    EngineNotConfigured,
    Request,
    create_engine,
)
from polyfolio.translate.settings import TranslateSettings

CONTEXT = BatchContext("en", "el")
BATCH = [Request("a", 'Botox <x id="1"/> eases *frown* lines.'), Request("b", "")]


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
    pseudo = pytest.importorskip("polyfolio.translate.pseudo")
    engine = create_engine(TranslateSettings(engine="pseudo"))
    result = asyncio.run(engine.translate(BATCH, CONTEXT))
    assert result == {request.id: pseudo.pseudolocalize(request.text) for request in BATCH}
    assert result["a"] != BATCH[0].text
    assert engine.settings_key() == "pseudo"
