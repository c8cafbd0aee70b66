"""Which files of a collection folder are items: Markdown files, sorted, never outside the site.

Kept apart from :mod:`polyfolio.content.site` (and its YAML parser) so a build that finds
nothing changed can list the collection without importing what loading it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mkdn", ".mdown"})


def collection_files(root: str, collection_dir: str) -> tuple[list[str], list[str]]:
    """Site-relative paths of the collection's Markdown files, sorted, and the symlinks among
    them that lead outside the site (skipped).

    Plain ``os`` string paths: pathlib's per-path overhead dominates at thousands of files.
    """
    found: list[str] = []
    outside: list[str] = []
    for folder, dirs, files in os.walk(os.path.join(root, collection_dir)):
        dirs.sort()
        rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in files:
            if os.path.splitext(name)[1].lower() not in MARKDOWN_SUFFIXES:
                continue
            rel = f"{rel_folder}/{name}"
            full = os.path.join(folder, name)
            if os.path.islink(full) and not Path(full).resolve().is_relative_to(root):
                outside.append(rel)
                continue
            found.append(rel)
    return sorted(found), outside
