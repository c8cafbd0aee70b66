"""What a build tells the dev server, and how the server calls a builder it knows nothing about."""

from __future__ import annotations

import time
from collections.abc import Callable

from msgspec import Struct, field


class BuildOutcome(Struct, frozen=True):
    """One build: did it succeed, what it said (already formatted lines), how long it took."""

    ok: bool
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0


Builder = Callable[[], BuildOutcome]


def run_builder(builder: Builder) -> BuildOutcome:
    """Call ``builder``; an exception becomes a failed outcome so the server keeps running."""
    started = time.perf_counter()
    try:
        return builder()
    except Exception as exc:  # a broken build must never take the server down
        message = f"build crashed: {type(exc).__name__}: {exc}"
        return BuildOutcome(False, [message], time.perf_counter() - started)
