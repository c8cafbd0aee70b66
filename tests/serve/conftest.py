from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from polyfolio.serve import BuildOutcome, DevServer

SECRET = "TOP-SECRET-OUTSIDE-THE-SERVED-FOLDER"


@dataclass
class ServedTree:
    """A served folder with a secret beside it, reachable only through symlinks."""

    root: Path
    secret: Path


@pytest.fixture(scope="module")
def served_tree(tmp_path_factory: pytest.TempPathFactory) -> ServedTree:
    tmp_path = tmp_path_factory.mktemp("served")
    root = tmp_path / "out"
    (root / "sub").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "index.html").write_text("<!doctype html><html><body><h1>home</h1></body></html>")
    (root / "404.html").write_text("<!doctype html><html><body>custom not found</body></html>")
    (root / "sub" / "index.html").write_text("<html><body>sub index</body></html>")
    (root / "sub" / "page.html").write_text("<html><body>sub page</body></html>")
    (root / "sub" / "style.css").write_text("body { color: #222; }")
    (root / ".hidden").write_text("hidden")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    os.symlink(tmp_path, root / "escape")
    os.symlink(secret, root / "escape.txt")
    return ServedTree(root, secret)


def steady_builder() -> BuildOutcome:
    return BuildOutcome(True, [], 0.0)


@pytest.fixture(scope="module")
def static_server(served_tree: ServedTree) -> Iterator[DevServer]:
    server = DevServer(served_tree.root, steady_builder, [], port=0, on_build=quiet)
    with server:
        yield server


def quiet(outcome: BuildOutcome) -> None:
    pass
