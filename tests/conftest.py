"""Shared fixtures: only imports.  ``tests/`` is on ``sys.path`` (pytest puts a rootdir
conftest's folder there), so helpers live in importable packages such as ``servers``."""

from servers.fixtures import fake_deepl, fake_openai

__all__ = ["fake_deepl", "fake_openai"]
