"""What every translation engine is: a batch of segments in, a mapping of translations out.

An engine knows its transport (an HTTP API, a local function) and nothing about sites, memory or
checks.  It receives segment texts in placeholder form (see :mod:`polyfolio.translate.placeholders`)
with ids, and returns ``id -> translated text``.  An id missing from the answer is a failed
segment: the caller checks every answer anyway, so an engine never has to be trusted.

Errors are :class:`EngineError`; ``retryable`` says whether asking again may help (rate limits,
server errors, timeouts), and ``retry_after`` carries a server's ``Retry-After`` when it sent one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Protocol

from msgspec import Struct

ENGINE_NAMES = ("copy", "pseudo", "openai", "deepl")


class Request(Struct, frozen=True):
    """One segment to translate; ``text`` is in placeholder form."""

    id: str
    text: str


class Term(Struct, frozen=True):
    """A glossary entry for one language pair."""

    source: str
    target: str


class BatchContext(Struct, frozen=True):
    """What an engine needs to know besides the texts; languages are BCP 47 (``en``, ``el``)."""

    source_lang: str
    target_lang: str
    glossary: tuple[Term, ...] = ()  # only the terms occurring in this batch
    do_not_translate: tuple[str, ...] = ()


class EngineError(Exception):
    """An engine could not answer; the message never contains a secret."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class EngineNotConfigured(Exception):
    """No usable engine: none configured, an unknown name, or a missing key or model.

    A usage problem, not a content one: the CLI prints the message and exits 2.
    """


class Engine(Protocol):
    name: str
    max_batch_segments: int
    max_batch_chars: int

    def settings_key(self) -> str:
        """Engine, model and settings identity for the translation memory; never a secret."""
        ...

    async def translate(self, batch: Sequence[Request], context: BatchContext) -> dict[str, str]:
        """``id -> text`` for the segments it could translate; missing ids have failed."""
        ...

    async def aclose(self) -> None: ...


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced, for messages built from what a server said."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in a client library's log records (some log what a server answered,
    and a server may echo the key).  Attach with :meth:`attach`, detach when done."""

    def __init__(self, logger_name: str, secrets: Iterable[str]) -> None:
        super().__init__()
        self._logger = logging.getLogger(logger_name)
        self._secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            record.msg, record.args = redact(message, self._secrets), None
        return True

    def attach(self) -> None:
        self._logger.addFilter(self)

    def detach(self) -> None:
        self._logger.removeFilter(self)
