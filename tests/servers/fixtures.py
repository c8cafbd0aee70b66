"""pytest fixtures for the fake engine servers; re-exported by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers.deepl_server import FakeDeepL
from servers.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake_deepl() -> Iterator[FakeDeepL]:
    with FakeDeepL() as server:
        yield server
