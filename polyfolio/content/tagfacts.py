"""What langcodes says about the site's language codes, shipped for common codes and kept
between runs for the rest.

Importing langcodes and its name data costs ~0.15 s on a first build (several times that on a
busy machine).  The verdicts on every two-letter code and common regional tags ship with
polyfolio (``language-tags.json``, made by ``python -m tools.language_table``), so the same site
gets the same answers whatever langcodes is installed.  Any other code's verdict depends only on
the code and the installed langcodes, so it is stored under ``<site>/.polyfolio/cache/`` with a
stamp of that installation (path, size and mtime of its files); another or updated installation,
a missing or corrupt file: asked again.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import marshal
import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from msgspec import Struct

from polyfolio.atomicfile import write_bytes_atomic

CACHE_FILE = ".polyfolio/cache/language-tags.marshal"
SHIPPED_TABLE = Path(__file__).with_name("language-tags.json")
_FORMAT = f"language-tags-v2-py{sys.version_info.major}.{sys.version_info.minor}"
# The files whose contents decide the verdicts: langcodes' code and registry tables, and the
# names in language_data (its import alone costs ~85 ms, paid by any page with a switcher).
_STAMPED = (
    ("langcodes", ("__init__.py", "data_dicts.py", "tag_parser.py")),
    ("language_data", ("__init__.py", "name_data.py")),
)


class TagFacts(Struct, frozen=True):
    """langcodes' verdict on one code: valid BCP 47, its standard form (the code itself when
    invalid) and the language's name for itself (empty when invalid or not asked)."""

    valid: bool
    standard: str
    autonym: str = ""


def ask_langcodes(code: str, *, named: bool = True) -> TagFacts:
    import langcodes

    if not code or not langcodes.tag_is_valid(code):
        return TagFacts(False, code)
    name = str(langcodes.Language.get(code).autonym()) if named else ""
    return TagFacts(True, str(langcodes.standardize_tag(code)), name)


def tag_facts(root: Path, codes: Iterable[str]) -> dict[str, TagFacts]:
    """Facts for ``codes``: from the shipped table or the site's cache when they know them, else
    from langcodes (and then stored for the next run; a cache that cannot be written is only
    slower)."""
    wanted = {code for code in codes if code}
    shipped = shipped_facts()
    known = dict(shipped)
    if not _covered(known, wanted):
        path = root / CACHE_FILE
        stamp = _langcodes_stamp()
        known = {**_read(path, stamp), **shipped}
        asked = _ask_missing(known, wanted)
        asked += _ask_missing(known, _standard_forms(known, wanted))
        if asked:
            _write(path, stamp, {code: f for code, f in known.items() if code not in shipped})
    return {code: known[code] for code in sorted(wanted | _standard_forms(known, wanted))}


@cache
def shipped_facts() -> dict[str, TagFacts]:
    """The verdicts that ship with polyfolio (empty if the table is missing or damaged)."""
    try:
        rows = json.loads(SHIPPED_TABLE.read_text("utf-8"))["facts"]
        return {
            str(code): TagFacts(bool(valid), str(standard), str(autonym))
            for code, (valid, standard, autonym) in rows.items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _covered(known: dict[str, TagFacts], wanted: set[str]) -> bool:
    return wanted <= known.keys() and _standard_forms(known, wanted) <= known.keys()


def _standard_forms(known: dict[str, TagFacts], wanted: set[str]) -> set[str]:
    """Names are looked up by the standard form (pt-br → pt-BR), so it is wanted too."""
    return {known[code].standard for code in wanted if code in known and known[code].valid}


def _ask_missing(known: dict[str, TagFacts], wanted: set[str]) -> int:
    missing = sorted(wanted - known.keys())
    known.update({code: ask_langcodes(code) for code in missing})
    return len(missing)


def _langcodes_stamp() -> str:
    parts = []
    for package, files in _STAMPED:
        spec = importlib.util.find_spec(package)
        folders = spec.submodule_search_locations if spec else None
        if not folders:
            parts.append(f"{package}:missing")
            continue
        for name in files:
            try:
                stat = os.stat(os.path.join(folders[0], name))
            except OSError:
                parts.append(f"{folders[0]}/{name}:-")
                continue
            parts.append(f"{folders[0]}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _read(path: Path, stamp: str) -> dict[str, TagFacts]:
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        payload = marshal.loads(path.read_bytes())
        if (
            isinstance(payload, dict)
            and payload.get("format") == _FORMAT
            and payload.get("stamp") == stamp
        ):
            return {
                str(code): TagFacts(bool(valid), str(standard), str(autonym))
                for code, (valid, standard, autonym) in payload["facts"].items()
            }
    return {}


def _write(path: Path, stamp: str, facts: dict[str, TagFacts]) -> None:
    table = {
        code: (fact.valid, fact.standard, fact.autonym) for code, fact in sorted(facts.items())
    }
    payload = marshal.dumps({"format": _FORMAT, "stamp": stamp, "facts": table})
    with contextlib.suppress(OSError):
        ignore = path.parents[1] / ".gitignore"
        if not ignore.exists():
            write_bytes_atomic(ignore, b"# polyfolio's rebuildable caches\ncache/\n")
        write_bytes_atomic(path, payload)
