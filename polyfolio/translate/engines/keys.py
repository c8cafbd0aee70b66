"""API keys: from the file the user names in ``polyfolio.translate.keys``, else the environment.

The file uses dotenv syntax (``OPENAI_API_KEY=sk-...``), read with python-dotenv.  A key is only
ever handed to a client library; it never goes into a message, a log record or a ``repr``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from polyfolio.translate.engines.base import EngineNotConfigured


def api_key(
    name: str, keys_file: Path | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The key called ``name``; the keys file wins over the environment; None if neither has it."""
    if keys_file is not None:
        try:
            values = dotenv_values(keys_file)
        except OSError as exc:
            raise EngineNotConfigured(
                f"cannot read the keys file {keys_file}: {exc.strerror or exc}"
            ) from None
        value = values.get(name)
        if value and value.strip():
            return value.strip()
    value = (os.environ if environ is None else environ).get(name)
    return value.strip() if value and value.strip() else None
