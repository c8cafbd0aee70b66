"""The ``deepl`` engine, through DeepL's official client (``deepl.Translator``).

Placeholders are XML-like, so texts go with ``tag_handling="xml"`` and come back with their tags;
line breaks inside a segment do not split sentences.  The site's glossary becomes one DeepL
glossary per language pair, named after a hash of its entries: found by that name on later runs,
created once when missing, never duplicated by concurrent batches.

The client is synchronous, so calls run in a worker thread.  Its own retries are turned off and
its timeout set through ``deepl.http_client``'s module settings (the client's documented way);
retrying is :mod:`polyfolio.translate.engines.retry`'s job.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import ParamSpec, TypeVar

import deepl
import langcodes

from polyfolio.translate.engines.base import (
    BatchContext,
    EngineError,
    EngineNotConfigured,
    RedactingFilter,
    Request,
    redact,
)
from polyfolio.translate.engines.keys import api_key
from polyfolio.translate.placeholders import placeholder_tokens
from polyfolio.translate.settings import TranslateSettings

KEY_NAME = "DEEPL_AUTH_KEY"
SETTINGS_KEY = "deepl:xml-1"  # the memory's identity for this engine's translations
GLOSSARY_PREFIX = "polyfolio"
_QUOTA_EXCEEDED = 456
_TAG_NAME = re.compile(r"[A-Za-z]+[0-9]+")

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")


def create_deepl_engine(
    settings: TranslateSettings, environ: Mapping[str, str] | None = None
) -> DeepLEngine:
    key = api_key(KEY_NAME, settings.keys_file, environ)
    if key is None:
        raise EngineNotConfigured(
            f"the deepl engine needs an API key: set {KEY_NAME} in the environment "
            "or in the file named by polyfolio.translate.keys"
        )
    # Process-wide settings of the client library: we retry ourselves, with our timeout.
    deepl.http_client.max_network_retries = 0
    deepl.http_client.min_connection_timeout = settings.timeout
    return DeepLEngine(key, settings.base_url, settings)


def deepl_source(tag: str) -> str:
    """BCP 47 → DeepL source code: the base language (``el`` → ``EL``, ``pt-BR`` → ``PT``)."""
    return str(langcodes.Language.get(tag).language or tag).upper()


def deepl_target(tag: str) -> str:
    """BCP 47 → DeepL target code; English and Portuguese need a variant, Chinese a script.

    Plain ``en`` becomes ``EN-GB`` and plain ``pt`` ``PT-PT``: a site wanting the American or
    Brazilian variant says so with ``polyfolio.bcp47: {en: en-US}``.
    """
    language = langcodes.Language.get(tag)
    base = str(language.language or tag).upper()
    region = (language.territory or "").upper()
    if base == "EN":
        return "EN-US" if region == "US" else "EN-GB"
    if base == "PT":
        return "PT-BR" if region == "BR" else "PT-PT"
    if base == "ZH":
        traditional = language.script == "Hant" or region in ("TW", "HK", "MO")
        return "ZH-HANT" if traditional else "ZH-HANS"
    return base


class DeepLEngine:
    name = "deepl"
    max_batch_segments = 50  # DeepL's limit of texts per request
    max_batch_chars = 30_000  # well under its 128 KiB request size, even for Greek in UTF-8

    def __init__(self, key: str, server_url: str | None, settings: TranslateSettings) -> None:
        self.server_url = server_url
        self.timeout = settings.timeout
        self._settings = settings
        self._secrets = (key,)
        self._translator = deepl.Translator(key, server_url=server_url, send_platform_info=False)
        # The client logs response bodies at debug level; a server may echo the key in them.
        self._log_filter = RedactingFilter("deepl", self._secrets)
        self._log_filter.attach()
        self._glossary_ids: dict[tuple[str, str], str | None] = {}
        self._glossary_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"DeepLEngine(server_url={self.server_url!r})"

    def settings_key(self) -> str:
        return SETTINGS_KEY

    async def translate(self, batch: Sequence[Request], context: BatchContext) -> dict[str, str]:
        texts = [request for request in batch if request.text.strip()]
        result = {request.id: request.text for request in batch if not request.text.strip()}
        if not texts:
            return result
        glossary_id = await self._glossary_id(context)
        translated = await self._call(
            self._translate_texts, [request.text for request in texts], context, glossary_id
        )
        if len(translated) != len(texts):
            raise EngineError(
                f"DeepL answered {len(translated)} translations for {len(texts)} texts",
                retryable=True,
            )
        result.update((request.id, text) for request, text in zip(texts, translated, strict=True))
        return result

    async def aclose(self) -> None:
        self._translator.close()  # type: ignore[no-untyped-call]
        self._log_filter.detach()

    # -- glossaries ------------------------------------------------------------------------------
    async def _glossary_id(self, context: BatchContext) -> str | None:
        pair = (deepl_source(context.source_lang), deepl_target(context.target_lang))
        async with self._glossary_lock:  # one lookup or creation per pair, however many batches
            if pair not in self._glossary_ids:
                entries = self._settings.glossary_for(context.target_lang)
                self._glossary_ids[pair] = (
                    await self._call(self._find_or_create_glossary, pair, entries)
                    if entries
                    else None
                )
            return self._glossary_ids[pair]

    def _find_or_create_glossary(
        self, pair: tuple[str, str], entries: Mapping[str, str]
    ) -> str | None:
        name = glossary_name(pair, entries)
        source, target = pair
        for glossary in self._translator.list_glossaries():
            if glossary.name == name and glossary.ready:
                return str(glossary.glossary_id)
        try:
            created = self._translator.create_glossary(name, source, target, dict(entries))
        except deepl.DeepLException as exc:
            if exc.http_status_code == 400:
                log.warning(
                    "DeepL has no glossaries for %s to %s; translating without one", source, target
                )
                return None
            raise
        return str(created.glossary_id)

    # -- transport -------------------------------------------------------------------------------
    def _translate_texts(
        self, texts: list[str], context: BatchContext, glossary_id: str | None
    ) -> list[str]:
        results = self._translator.translate_text(
            texts,
            source_lang=deepl_source(context.source_lang),
            target_lang=deepl_target(context.target_lang),
            tag_handling="xml",
            non_splitting_tags=placeholder_tag_names(texts) or None,
            split_sentences="nonewlines",
            preserve_formatting=True,
            glossary=glossary_id,
        )
        listed = results if isinstance(results, list) else [results]
        return [result.text for result in listed]

    async def _call(self, function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        failure: EngineError | None = None
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except deepl.DeepLException as exc:
            failure = self._engine_error(exc)
        # Raised outside the handler so the client's exception is not kept as __context__.
        raise failure

    def _engine_error(self, exc: deepl.DeepLException) -> EngineError:
        status = exc.http_status_code
        if isinstance(exc, deepl.AuthorizationException) or status in (401, 403):
            return EngineError(
                f"DeepL refused the API key: check {KEY_NAME} "
                "or the file named by polyfolio.translate.keys",
                retryable=False,
            )
        if isinstance(exc, deepl.QuotaExceededException) or status == _QUOTA_EXCEEDED:
            return EngineError("DeepL quota for this billing period is used up", retryable=False)
        if isinstance(exc, deepl.TooManyRequestsException) or status == 429:
            return EngineError("DeepL: too many requests (HTTP 429)", retryable=True)
        if isinstance(exc, deepl.ConnectionException):
            what = "no answer in time" if "timed out" in str(exc) else "cannot connect"
            return EngineError(f"DeepL: {what}", retryable=exc.should_retry)
        detail = " ".join(redact(str(exc), self._secrets).split())[:200]
        retryable = exc.should_retry or (status is not None and status >= 500)
        return EngineError(f"DeepL: {detail}", retryable=retryable)


def placeholder_tag_names(texts: Sequence[str]) -> list[str]:
    """The placeholder tags' names (``x3``, ``b1``): inline markup never splits a sentence."""
    names = {
        name
        for text in texts
        for token in placeholder_tokens(text)
        for name in _TAG_NAME.findall(token)
    }
    return sorted(names)


def glossary_name(pair: tuple[str, str], entries: Mapping[str, str]) -> str:
    """A name that changes whenever the entries do, so an edited glossary makes a new one."""
    digest = hashlib.sha256(
        json.dumps(sorted(entries.items()), ensure_ascii=False).encode()
    ).hexdigest()[:12]
    return f"{GLOSSARY_PREFIX} {pair[0]}-{pair[1]} {digest}"
