"""Edits a rebuild test applies to a site folder: each is a function of the site's root."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.shared_data import write_site

Edit = Callable[[Path], object]


def replace(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        if path.is_file():
            path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")

    return edit


def write(rel: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        write_site(root, {rel: text})

    return edit


def delete(rel: str) -> Edit:
    return lambda root: (root / rel).unlink(missing_ok=True)


def delete_output(rel: str) -> Edit:
    """Delete a built file by hand (the output folder is ``out`` beside the site)."""
    return lambda root: (root.parent / "out" / rel).unlink(missing_ok=True)


def both(*edits: Edit) -> Edit:
    def all_of(root: Path) -> None:
        for edit in edits:
            edit(root)

    return all_of
