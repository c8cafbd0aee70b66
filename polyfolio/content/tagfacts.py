"""What langcodes says about the site's language codes, kept between runs.

Importing langcodes and its registry data costs ~25 ms (several times that on a busy machine): a
large share of a no-change rebuild, which otherwise only reads and hashes files.  Its verdict on a
code depends only on the code and the installed langcodes, so the verdicts are stored under
``<site>/.polyfolio/cache/`` with a stamp of that installation (path, size and mtime of its
files); another or updated installation, a missing or corrupt file: asked again.
"""

from __future__ import annotations

import contextlib
import importlib.util
import marshal
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from polyfolio.atomicfile import write_bytes_atomic

CACHE_FILE = ".polyfolio/cache/language-tags.marshal"
_FORMAT = f"language-tags-v1-py{sys.version_info.major}.{sys.version_info.minor}"
# The files whose contents decide langcodes' verdicts: its code and its registry tables.
_LANGCODES_FILES = ("__init__.py", "data_dicts.py", "tag_parser.py")


@dataclass(frozen=True, slots=True)
class TagFacts:
    """langcodes' verdict on one code: valid BCP 47, and its standard form (the code itself
    when invalid)."""

    valid: bool
    standard: str


def ask_langcodes(code: str) -> TagFacts:
    import langcodes

    valid = bool(code) and bool(langcodes.tag_is_valid(code))
    return TagFacts(valid, str(langcodes.standardize_tag(code)) if valid else code)


def tag_facts(root: Path, codes: Iterable[str]) -> dict[str, TagFacts]:
    """Facts for ``codes``: from the cache when it knows them, else from langcodes (and then
    stored for the next run; a cache that cannot be written is only slower)."""
    wanted = sorted({code for code in codes if code})
    path = root / CACHE_FILE
    stamp = _langcodes_stamp()
    known = _read(path, stamp)
    missing = [code for code in wanted if code not in known]
    if missing:
        known.update({code: ask_langcodes(code) for code in missing})
        _write(path, stamp, known)
    return {code: known[code] for code in wanted}


def _langcodes_stamp() -> str:
    spec = importlib.util.find_spec("langcodes")
    folders = spec.submodule_search_locations if spec else None
    if not folders:
        return "missing"
    parts = []
    for name in _LANGCODES_FILES:
        try:
            stat = os.stat(os.path.join(folders[0], name))
        except OSError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return f"{folders[0]}|{'|'.join(parts)}"


def _read(path: Path, stamp: str) -> dict[str, TagFacts]:
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        payload = marshal.loads(path.read_bytes())
        if (
            isinstance(payload, dict)
            and payload.get("format") == _FORMAT
            and payload.get("stamp") == stamp
        ):
            return {
                str(code): TagFacts(bool(valid), str(standard))
                for code, (valid, standard) in payload["facts"].items()
            }
    return {}


def _write(path: Path, stamp: str, facts: dict[str, TagFacts]) -> None:
    table = {code: (fact.valid, fact.standard) for code, fact in sorted(facts.items())}
    payload = marshal.dumps({"format": _FORMAT, "stamp": stamp, "facts": table})
    with contextlib.suppress(OSError):
        ignore = path.parents[1] / ".gitignore"
        if not ignore.exists():
            write_bytes_atomic(ignore, b"# polyfolio's rebuildable caches\ncache/\n")
        write_bytes_atomic(path, payload)
