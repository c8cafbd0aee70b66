from __future__ import annotations

from polyfolio.cli import run

run()
