"""Where the shared test data lives (``../shared`` beside the repository), and how to skip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
EXAMPLE_SITE = REPO / "examples" / "clinic"


def require(path: Path) -> Path:
    """Return ``path``, or skip the test when the shared data is not beside the repository."""
    if not path.exists():
        pytest.skip(f"{path} is absent (shared test data not available)")
    return path


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.md")) if SEEDS.is_dir() else []


def corpus_files(folder: str) -> list[Path]:
    base = CORPUS / folder
    return sorted(base.glob("*.md")) if base.is_dir() else []


def spec_examples() -> list[dict[str, Any]]:
    path = CORPUS / "commonmark" / "spec.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def all_content_files() -> list[Path]:
    """Seeds and every corpus content file, for tests that must hold on all real data."""
    return seed_files() + corpus_files("portfolio") + corpus_files("multilingual")


def ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a small site: ``{"_config.yml": "...", "_portfolio/x.md": "..."}``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
    return root
