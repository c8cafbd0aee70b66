"""Asking an engine again: exponential backoff with jitter, honouring ``Retry-After``.

Only :class:`EngineError` with ``retryable`` set is retried (rate limits, server errors,
timeouts); anything else, and the last failure, reaches the caller.  The client libraries' own
retries are switched off, so this is the one place that decides how often and how long.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from polyfolio.translate.engines.base import BatchContext, Engine, EngineError, Request

MAX_DELAY = 60.0  # seconds; also caps a server's Retry-After, so a run never stalls for hours

Sleep = Callable[[float], Awaitable[None]]


async def translate_with_retries(
    engine: Engine,
    batch: Sequence[Request],
    context: BatchContext,
    *,
    attempts: int,
    base_delay: float,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> dict[str, str]:
    """``engine.translate`` tried up to ``attempts`` times in all (at least once)."""
    for attempt in range(1, max(attempts, 1) + 1):
        try:
            return await engine.translate(batch, context)
        except EngineError as exc:
            if not exc.retryable or attempt >= attempts:
                raise
            await sleep(backoff_delay(attempt, base_delay, exc.retry_after, rng))
    raise AssertionError("unreachable: the last attempt returns or raises")


def backoff_delay(
    attempt: int, base_delay: float, retry_after: float | None, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    A server's ``Retry-After`` wins (capped at :data:`MAX_DELAY`).  Otherwise the delay doubles
    each attempt and is drawn from its upper half ("equal jitter"), so concurrent requests that
    failed together do not all come back at the same instant, yet each wait still grows.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_DELAY)
    ceiling = min(base_delay * 2.0 ** (attempt - 1), MAX_DELAY)
    draw = rng.random() if rng is not None else random.random()
    return ceiling / 2 + draw * ceiling / 2


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: either a number of seconds or an HTTP date; None if unusable."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(seconds, 0.0) if seconds == seconds else None  # NaN is unusable
