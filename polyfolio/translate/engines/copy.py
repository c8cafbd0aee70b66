"""The ``copy`` engine: every segment comes back as its source, for translating by hand."""

from __future__ import annotations

from collections.abc import Sequence

from polyfolio.translate.engines.base import BatchContext, Request


class CopyEngine:
    name = "copy"
    max_batch_segments = 1000
    max_batch_chars = 1_000_000

    def settings_key(self) -> str:
        return "copy"

    async def translate(self, batch: Sequence[Request], context: BatchContext) -> dict[str, str]:
        return {request.id: request.text for request in batch}

    async def aclose(self) -> None:
        return None
