"""The ``pseudo`` engine: pseudo-localized text (accented, longer, bracketed) to test layouts."""

from __future__ import annotations

from collections.abc import Sequence

from polyfolio.translate.engines.base import BatchContext, Request
from polyfolio.translate.pseudo import pseudolocalize


class PseudoEngine:
    name = "pseudo"
    max_batch_segments = 1000
    max_batch_chars = 1_000_000

    def settings_key(self) -> str:
        return "pseudo"

    async def translate(self, batch: Sequence[Request], context: BatchContext) -> dict[str, str]:
        return {request.id: pseudolocalize(request.text) for request in batch}

    async def aclose(self) -> None:
        return None
