from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from polyfolio.translate.engines.base import BatchContext, EngineError, Request
from polyfolio.translate.engines.retry import (
    MAX_DELAY,
    backoff_delay,
    parse_retry_after,
    translate_with_retries,
)

CONTEXT = BatchContext("en", "el")
BATCH = [Request("a", "Hello")]


class Scripted:
    """An engine that fails with the given errors, in order, then answers."""

    name = "scripted"
    max_batch_segments = 10
    max_batch_chars = 1000

    def __init__(self, *failures: EngineError) -> None:
        self.failures = list(failures)
        self.calls = 0

    def settings_key(self) -> str:
        return "scripted"

    async def translate(self, batch: Sequence[Request], context: BatchContext) -> dict[str, str]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return {request.id: request.text.upper() for request in batch}

    async def aclose(self) -> None:
        return None


def run(engine: Scripted, attempts: int) -> tuple[dict[str, str] | EngineError, list[float]]:
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    async def go() -> dict[str, str]:
        return await translate_with_retries(
            engine,
            BATCH,
            CONTEXT,
            attempts=attempts,
            base_delay=1.0,
            sleep=sleep,
            rng=random.Random(7),
        )

    try:
        return asyncio.run(go()), delays
    except EngineError as exc:
        return exc, delays


def busy(retry_after: float | None = None) -> EngineError:
    return EngineError("busy", retryable=True, retry_after=retry_after)


def test_retryable_failures_are_retried_until_success() -> None:
    engine = Scripted(busy(), busy(), busy())
    result, delays = run(engine, attempts=4)
    assert result == {"a": "HELLO"}
    assert engine.calls == 4
    assert [1 / 2 <= delays[0] <= 1, 1 <= delays[1] <= 2, 2 <= delays[2] <= 4] == [True] * 3


def test_attempts_are_bounded_and_the_last_error_surfaces() -> None:
    last = busy()
    engine = Scripted(busy(), busy(), last, busy())
    result, delays = run(engine, attempts=3)
    assert result is last
    assert engine.calls == 3
    assert len(delays) == 2


def test_non_retryable_errors_are_not_retried() -> None:
    refused = EngineError("bad key", retryable=False)
    engine = Scripted(refused)
    result, delays = run(engine, attempts=5)
    assert result is refused
    assert (engine.calls, delays) == (1, [])


def test_retry_after_wins_over_backoff() -> None:
    engine = Scripted(busy(retry_after=12.5), busy(retry_after=0))
    result, delays = run(engine, attempts=3)
    assert result == {"a": "HELLO"}
    assert delays == [12.5, 0]


def test_one_attempt_means_no_retry() -> None:
    engine = Scripted(busy())
    result, _ = run(engine, attempts=1)
    assert isinstance(result, EngineError)
    assert engine.calls == 1


@pytest.mark.parametrize("attempt", range(1, 12))
def test_backoff_grows_with_jitter_and_is_capped(attempt: int) -> None:
    ceiling = min(0.5 * 2 ** (attempt - 1), MAX_DELAY)
    draws = {backoff_delay(attempt, 0.5, None, random.Random(seed)) for seed in range(20)}
    assert all(ceiling / 2 <= delay <= ceiling for delay in draws)
    assert len(draws) > 1  # jittered, not one fixed value
    assert backoff_delay(attempt, 0.5, 10_000, None) == MAX_DELAY


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        ("0.25", 0.25),
        ("-4", 0.0),
        ("Mon, 23 Nov 2026 05:00:30 GMT", 30.0),
        ("Mon, 23 Nov 2026 04:59:00 GMT", 0.0),
        ("soon", None),
        ("nan", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_header_values(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 23, 5, 0, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == seconds
