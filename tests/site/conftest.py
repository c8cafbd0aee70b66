"""Fixtures for the site tests."""

from __future__ import annotations

import pytest

from polyfolio.content import stamps


@pytest.fixture
def settled_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """No file stamp counts as too recent to vouch for its file.  A copied asset's manifest
    key carries a hash of its bytes only while its stamp is that recent (2 s), so two builds
    either side of that moment write different manifests, by design; tests that compare two
    builds' manifests use this so their verdict does not hang on the clock."""
    monkeypatch.setattr(stamps, "RACY_NS", 0)
