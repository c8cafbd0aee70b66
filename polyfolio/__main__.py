"""``python -m polyfolio`` and the ``polyfolio`` command."""

from __future__ import annotations

from typing import NoReturn

from polyfolio import collector


def run() -> NoReturn:
    """:func:`polyfolio.cli.run`, imported without collection (see :mod:`polyfolio.collector`)."""
    with collector.uncollected():
        from polyfolio.cli import run as run_cli
    run_cli()


if __name__ == "__main__":
    run()
