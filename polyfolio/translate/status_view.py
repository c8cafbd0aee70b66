"""The readable ``polyfolio status`` table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from polyfolio.translate.status import Entry, State, summary

_STYLE = {
    State.CURRENT: "green",
    State.STALE: "yellow",
    State.MISSING: "red",
    State.ORPHAN: "magenta",
}


def print_status_table(entries: list[Entry], console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    table = Table(box=None, pad_edge=False)
    for column in ("page_id", "lang", "state", "file"):
        table.add_column(column)
    for entry in entries:
        style = _STYLE[entry.state]
        path = entry.target.rel if entry.target else (entry.source.rel if entry.source else "")
        table.add_row(entry.page_id, entry.lang, f"[{style}]{entry.state}[/]", path)
    console.print(table)
    counts = summary(entries)
    parts = ", ".join(f"{counts[state]} {state}" for state in State)
    console.print(f"{len(entries)} translations: {parts}")
