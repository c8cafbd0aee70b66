"""A spy on load_site's read-ahead, for tests that must know it ran and what it returned."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from polyfolio.content import readahead
from polyfolio.content import site as content_site
from polyfolio.content.readahead import ReadAhead


def count_read_aheads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, each read-ahead of load_site appends how many files it returned."""
    returned: list[int] = []

    def counted(
        root: str,
        rels: list[str],
        parse: readahead.Parse,
        meanwhile: Callable[[], object] | None = None,
    ) -> dict[str, ReadAhead]:
        found = readahead.read_ahead(root, rels, parse, meanwhile)
        returned.append(len(found))
        return found

    monkeypatch.setattr(content_site, "read_ahead", counted)
    return returned
