"""The readable ``polyfolio status`` table.

Plain padded columns rather than a rich Table: at thousands of rows rich's layout costs seconds,
and this output must stay instant.  States are coloured only on a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from polyfolio.translate.status import Entry, State, summary

_COLOUR = {
    State.CURRENT: "green",
    State.STALE: "yellow",
    State.MISSING: "red",
    State.ORPHAN: "magenta",
}
_HEADER = ("page_id", "lang", "state", "file")


def status_rows(entries: Sequence[Entry]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for entry in entries:
        item = entry.target or entry.source
        rows.append((entry.page_id, entry.lang, _state_cell(entry), item.rel if item else ""))
    return rows


def _state_cell(entry: Entry) -> str:
    """The state; for a stale entry with how many segments changed ("?" when unknown)."""
    if entry.state is not State.STALE:
        return str(entry.state)
    changed = "?" if entry.changed_segments is None else str(entry.changed_segments)
    return f"stale ({changed} changed)"


def print_status_table(entries: Sequence[Entry], colour: bool | None = None) -> None:
    rows = status_rows(entries)
    widths = [max(len(row[i]) for row in [_HEADER, *rows]) for i in range(len(_HEADER))]
    lines = [_format(_HEADER, widths)]
    for entry, row in zip(entries, rows, strict=True):
        line = _format(row, widths)
        if colour is not False:
            state = row[2].ljust(widths[2])
            line = line.replace(state, click.style(state, fg=_COLOUR[entry.state]), 1)
        lines.append(line)
    counts = summary(list(entries))
    parts = ", ".join(f"{counts[state]} {state}" for state in State)
    lines.append(f"{len(entries)} translations: {parts}")
    click.echo("\n".join(lines), color=colour)


def _format(row: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
