"""The dev server: serves a folder, rebuilds through a builder callable, reloads browsers.

Imports nothing from the rest of polyfolio's site or content code.
"""

from __future__ import annotations

from polyfolio.serve.outcome import Builder, BuildOutcome
from polyfolio.serve.server import DevServer

__all__ = ["BuildOutcome", "Builder", "DevServer"]
