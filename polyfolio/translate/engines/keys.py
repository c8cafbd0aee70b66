"""API keys: from the file the user names in ``polyfolio.translate.keys``, else the environment.

The file uses dotenv syntax (``OPENAI_API_KEY=sk-...``), read with python-dotenv.  A key is only
ever handed to a client library; it never goes into a message, a log record or a ``repr``.
"""

from __future__ import annotations

import io
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
        value = _read_keys(keys_file).get(name)
        if value and value.strip():
            return value.strip()
    value = (os.environ if environ is None else environ).get(name)
    return value.strip() if value and value.strip() else None


def _read_keys(keys_file: Path) -> dict[str, str | None]:
    # Read here rather than by python-dotenv, which takes a missing file for an empty one.
    try:
        text = keys_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise EngineNotConfigured(f"cannot read the keys file {keys_file}: {reason}") from None
    return dotenv_values(stream=io.StringIO(text))
