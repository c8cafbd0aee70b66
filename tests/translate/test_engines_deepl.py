"""The deepl engine against a local DeepL-compatible server (tests/servers/deepl_server.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import pytest
from msgspec.structs import replace
from servers import behaviours
from servers.base import Reply, error, hang
from servers.deepl_server import FakeDeepL

from polyfolio.translate.engines import (
    BatchContext,
    EngineError,
    EngineNotConfigured,
    Request,
    create_engine,
)
from polyfolio.translate.engines.deepl import DeepLEngine, deepl_source, deepl_target
from polyfolio.translate.engines.retry import translate_with_retries
from polyfolio.translate.settings import GlossaryEntry, TranslateSettings

KEY = "sk-test-SECRET-123"
CONTEXT = BatchContext("en", "el")
BATCH = (
    Request("body:0", "Botulinum toxin relaxes the muscles."),
    Request("body:1", "Read <x1/> the <b1>leaflet</b1> first."),
    Request("fm:subtitle", ""),
)
EXPECTED = {
    "body:0": "BOTULINUM TOXIN RELAXES THE MUSCLES.",
    "body:1": "READ <x1/> THE <b1>LEAFLET</b1> FIRST.",
    "fm:subtitle": "",
}
GLOSSARY = (
    GlossaryEntry("botulinum toxin", {"gr": "αλλαντική τοξίνη", "de": "Botulinumtoxin"}),
    GlossaryEntry("muscles", {"gr": "μύες"}),
)


def settings_for(server: FakeDeepL, **changes: object) -> TranslateSettings:
    settings = TranslateSettings(engine="deepl", base_url=server.server_url, timeout=10)
    return replace(settings, **changes)  # type: ignore[arg-type]


def engine_for(settings: TranslateSettings) -> DeepLEngine:
    engine = create_engine(settings, environ={"DEEPL_AUTH_KEY": KEY})
    assert isinstance(engine, DeepLEngine)
    return engine


def translate(
    engine: DeepLEngine,
    batches: Sequence[Sequence[Request]] = (BATCH,),
    context: BatchContext = CONTEXT,
) -> list[dict[str, str]]:
    """Translate the batches concurrently, as a run does, then close the engine."""

    async def run() -> list[dict[str, str]]:
        try:
            return list(await asyncio.gather(*(engine.translate(b, context) for b in batches)))
        finally:
            await engine.aclose()

    return asyncio.run(run())


@pytest.mark.parametrize(
    ("tag", "source", "target"),
    [
        ("en", "EN", "EN-GB"),
        ("en-US", "EN", "EN-US"),
        ("en-GB", "EN", "EN-GB"),
        ("pt", "PT", "PT-PT"),
        ("pt-BR", "PT", "PT-BR"),
        ("el", "EL", "EL"),
        ("de-AT", "DE", "DE"),
        ("zh", "ZH", "ZH-HANS"),
        ("zh-Hant", "ZH", "ZH-HANT"),
        ("zh-TW", "ZH", "ZH-HANT"),
        ("nb", "NB", "NB"),
    ],
)
def test_bcp47_maps_to_deepl_codes(tag: str, source: str, target: str) -> None:
    assert (deepl_source(tag), deepl_target(tag)) == (source, target)


def test_a_batch_goes_as_xml_tagged_texts(fake_deepl: FakeDeepL) -> None:
    assert translate(engine_for(settings_for(fake_deepl))) == [EXPECTED]
    [request] = fake_deepl.requests
    assert request.path == "/v2/translate"
    assert request.header("Authorization") == f"DeepL-Auth-Key {KEY}"
    body = request.json
    assert body["text"] == [BATCH[0].text, BATCH[1].text]  # the empty text is not sent
    assert (body["source_lang"], body["target_lang"]) == ("EN", "EL")
    assert body["tag_handling"] == "xml"
    assert body["non_splitting_tags"] == ["b1", "x1"]
    assert body["split_sentences"] == "nonewlines"
    assert "glossary_id" not in body


def test_the_glossary_is_created_once_per_pair_and_used(fake_deepl: FakeDeepL) -> None:
    settings = settings_for(fake_deepl, glossary=GLOSSARY, language_tags={"gr": "el", "de": "de"})
    batches = [BATCH, [Request("x", "Tight muscles.")], [Request("y", "More muscles.")]]
    results = translate(engine_for(settings), batches)
    assert results[1] == {"x": "TIGHT μύες."}
    assert results[0]["body:0"] == "αλλαντική τοξίνη RELAXES THE μύες."
    [glossary] = fake_deepl.glossaries.values()
    assert glossary["entries"] == {"botulinum toxin": "αλλαντική τοξίνη", "muscles": "μύες"}
    assert (glossary["source_lang"], glossary["target_lang"]) == ("en", "el")
    assert all(
        r.json["glossary_id"] == glossary["glossary_id"] for r in fake_deepl.translation_requests()
    )

    # A later run finds it by name instead of making another.
    translate(engine_for(settings))
    assert len(fake_deepl.glossaries) == 1

    # An edited glossary is a new one; another target language gets its own.
    edited = replace(settings, glossary=GLOSSARY[:1])
    translate(engine_for(edited))
    translate(engine_for(edited), context=BatchContext("en", "de"))
    assert len(fake_deepl.glossaries) == 3
    assert [g["target_lang"] for g in fake_deepl.glossaries.values()] == ["el", "el", "de"]


def test_no_glossary_for_the_pair_means_no_glossary_calls(fake_deepl: FakeDeepL) -> None:
    settings = settings_for(fake_deepl, glossary=GLOSSARY, language_tags={"gr": "el"})
    translate(engine_for(settings), context=BatchContext("en", "fr"))
    assert [r.path for r in fake_deepl.requests] == ["/v2/translate"]


def test_an_unsupported_glossary_pair_translates_without_one(
    fake_deepl: FakeDeepL, caplog: pytest.LogCaptureFixture
) -> None:
    fake_deepl.glossaries_supported = False
    settings = settings_for(fake_deepl, glossary=GLOSSARY, language_tags={"gr": "el"})
    assert translate(engine_for(settings)) == [EXPECTED]
    assert "no glossaries for EN to EL" in caplog.text
    assert "glossary_id" not in fake_deepl.translation_requests()[0].json


def test_429_and_500_are_retried_then_succeed(fake_deepl: FakeDeepL) -> None:
    fake_deepl.fail_next(error(429), error(500))
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    async def run() -> dict[str, str]:
        engine = engine_for(settings_for(fake_deepl))
        try:
            return await translate_with_retries(
                engine, BATCH, CONTEXT, attempts=4, base_delay=1, sleep=sleep
            )
        finally:
            await engine.aclose()

    assert asyncio.run(run()) == EXPECTED
    assert len(fake_deepl.requests) == 3  # the client's own retries are off
    assert len(delays) == 2


@pytest.mark.parametrize(
    ("reply", "retryable", "says"),
    [
        (error(429), True, "too many requests"),
        (error(500), True, "500"),
        (error(503), True, "Service unavailable"),
        (Reply.json({"message": "bad"}, 400), False, "Bad request"),
        (Reply.json({"message": f"Wrong key {KEY}"}, 403), False, "DEEPL_AUTH_KEY"),
        (Reply.json({"message": "Quota exceeded"}, 456), False, "quota"),
    ],
    ids=["429", "500", "503", "400", "403", "456"],
)
def test_errors_map_to_retryable_or_not(
    fake_deepl: FakeDeepL, reply: Reply, retryable: bool, says: str
) -> None:
    fake_deepl.fail_next(reply)
    with pytest.raises(EngineError) as caught:
        translate(engine_for(settings_for(fake_deepl)))
    assert caught.value.retryable is retryable
    assert says in str(caught.value)
    assert len(fake_deepl.requests) == 1


def test_a_hanging_server_times_out_as_retryable(fake_deepl: FakeDeepL) -> None:
    fake_deepl.fail_next(hang(30))
    with pytest.raises(EngineError) as caught:
        translate(engine_for(settings_for(fake_deepl, timeout=0.2)))
    assert caught.value.retryable
    assert "no answer in time" in str(caught.value)


@pytest.mark.parametrize("shape", [behaviours.missing_first, behaviours.extra_item])
def test_a_count_mismatch_cannot_be_aligned(
    fake_deepl: FakeDeepL, shape: behaviours.Shaper
) -> None:
    fake_deepl.shape = shape
    with pytest.raises(EngineError, match="translations for 2 texts") as caught:
        translate(engine_for(settings_for(fake_deepl)))
    assert caught.value.retryable


def test_a_key_is_required() -> None:
    with pytest.raises(EngineNotConfigured, match="DEEPL_AUTH_KEY"):
        create_engine(TranslateSettings(engine="deepl"), environ={})


def test_the_key_never_shows(
    fake_deepl: FakeDeepL, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_deepl.auth_key = "the-right-key"  # the server answers 403 and echoes our key
    shown: list[str] = []
    for fault in (None, error(500, message=f"oops {KEY}"), hang(30)):
        if fault is not None:
            fake_deepl.fail_next(fault)
        engine = engine_for(settings_for(fake_deepl, timeout=0.2))
        shown += [repr(engine), engine.settings_key()]
        with pytest.raises(EngineError) as caught:
            translate(engine)
        shown += [str(caught.value), repr(caught.value), repr(caught.value.__context__)]
    assert any(r.name.startswith(("deepl", "urllib3")) for r in caplog.records)
    shown += [r.getMessage() for r in caplog.records]
    captured = capsys.readouterr()
    shown += [captured.out, captured.err]
    assert all(r.header("Authorization") == f"DeepL-Auth-Key {KEY}" for r in fake_deepl.requests)
    assert [text for text in shown if KEY in text] == []
