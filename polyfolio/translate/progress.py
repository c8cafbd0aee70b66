"""The run's progress bar: rich, on stderr, and only when stderr is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Advance = Callable[[int], None]


@contextmanager
def progress_bar(show: bool, total: int) -> Iterator[Advance]:
    """Yield ``advance(segments)``: a bar when asked for, on a terminal, with work to do;
    otherwise it does nothing (pipes and logs get no control characters)."""
    if not (show and total and sys.stderr.isatty()):
        yield _ignore
        return
    columns = (
        TextColumn("translating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("segments"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("translate", total=total)
        yield lambda segments: bar.advance(task, segments)


def _ignore(segments: int) -> None:
    return None
