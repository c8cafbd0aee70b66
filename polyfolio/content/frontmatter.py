"""Front matter: read fast, edit in place without touching a byte that is not being changed.

Reading uses :func:`polyfolio.content.yamltree.parse_yaml` (libyaml).  Editing composes the
node tree only to find the exact character span of each scalar (libyaml, else ruamel.yaml's
round-trip composer); the new value is spliced into the original text.  Comments, key order,
quoting of other values, blank lines, trailing spaces and tabs therefore survive by
construction, not by re-serialisation — stronger than a round-trip dump, which re-indents and
drops trailing blanks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml
from msgspec import Struct

from polyfolio.content.yamltree import YamlTree, parse_yaml
from polyfolio.diagnostics import ContentError, Location, error

DottedPath = tuple[str, ...]


def dotted(path: str) -> DottedPath:
    """``"caption.title"`` → ``("caption", "title")``."""
    return tuple(part for part in path.split(".") if part)


def read_front_matter(text: str, path: str, first_line: int = 2) -> YamlTree:
    """Parse front matter text; an empty block is an empty mapping, a non-mapping an error."""
    tree = parse_yaml(text, path, first_line)
    if tree.data is None:
        tree.data = {}
    if not isinstance(tree.data, dict):
        kind = "a list" if isinstance(tree.data, list) else "a single value"
        raise ContentError(
            error(
                Location(path, first_line, 1),
                f"front matter must be a mapping of keys to values, not {kind}",
            )
        )
    return tree


def lookup(data: Mapping[str, Any], path: DottedPath) -> Any:
    """The value at a dotted path, or ``None`` when any step is missing."""
    current: Any = data
    for key in path:
        # A plain dict first: the ABC check costs more than the lookup (thousands per build).
        if type(current) is not dict and not isinstance(current, Mapping):
            return None
        if key not in current:
            return None
        current = current[key]
    return current


class _Span(Struct, frozen=True):
    start: int
    end: int
    style: str | None
    is_null: bool


class FrontMatterEditor:
    """Splices new scalar values into front matter text, keeping everything else as it is."""

    def __init__(self, text: str, path: str = "<front matter>", first_line: int = 2) -> None:
        self.text = text
        self.path = path
        self.first_line = first_line
        self._root = self._compose(text)

    def _compose(self, text: str) -> Any:
        """The node tree whose marks give each scalar's exact span.

        libyaml composes first: it is ~40x faster, and a translate run composes one front
        matter per file it writes.  ruamel.yaml's round-trip composer takes what libyaml
        rejects (YAML 1.2 forms) and, where both reject, gives the located error.  Both trees
        carry the same ``id``, ``value``, ``tag``, ``style`` and character-index marks.
        """
        fast = _libyaml_compose(text)
        if fast is not None:
            return fast
        from ruamel.yaml import YAML
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        try:
            return YAML(typ="rt").compose(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + self.first_line if mark else self.first_line
            col = mark.column + 1 if mark else 1
            message = exc.problem or exc.context or "invalid YAML"
            raise ContentError(
                error(Location(self.path, line, col), f"invalid YAML: {message}")
            ) from None
        except YAMLError as exc:
            raise ContentError(
                error(Location(self.path, self.first_line, 1), f"invalid YAML: {exc}")
            ) from None

    def scalar_paths(self) -> list[DottedPath]:
        """Every dotted path that leads to a scalar through mappings only, in file order."""
        found: list[DottedPath] = []
        if self._root is not None and self._root.id == "mapping":
            _collect_scalars(self._root, (), found)
        return found

    def has(self, path: DottedPath) -> bool:
        return self._find(path) is not None

    def set_values(self, values: Mapping[DottedPath, str]) -> str:
        """Return the text with each path's scalar replaced; paths that do not exist are an error.

        Use :meth:`with_new_key` to add a key.
        """
        edits: list[tuple[int, int, str]] = []
        for path, value in values.items():
            node = self._find(path)
            if node is None:
                raise KeyError(".".join(path))
            span = self._span(node)
            if span.is_null:
                edits.append(self._null_insert(span.start, value))
            else:
                edits.append((span.start, span.end, render_scalar(value, span.style)))
        text = self.text
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    def with_new_key(self, key: str, value: str) -> str:
        """Append ``key: value`` as the last top-level entry."""
        return append_key(self.text, key, value)

    def _find(self, path: DottedPath) -> Any:
        node = self._root
        for key in path:
            if node is None or node.id != "mapping":
                return None
            node = next((v for k, v in node.value if k.value == key), None)
        return node if node is not None and node.id == "scalar" else None

    def _span(self, node: Any) -> _Span:
        start, end = node.start_mark.index, node.end_mark.index
        # A block scalar's span runs through its line break(s); those belong to the layout.
        end -= len(self.text[start:end]) - len(self.text[start:end].rstrip("\r\n"))
        is_null = str(node.tag) == "tag:yaml.org,2002:null" and start == end
        return _Span(start, end, node.style or None, is_null)

    def _null_insert(self, position: int, value: str) -> tuple[int, int, str]:
        # An empty value's node sits at the next token; the text to fill is right after "key:".
        colon = self.text.rfind(":", 0, position)
        insert_at = colon + 1
        prefix = ""
        if self.text[insert_at : insert_at + 1] in (" ", "\t"):
            insert_at += 1
        else:
            prefix = " "
        return insert_at, insert_at, prefix + render_scalar(value, None)


def append_key(text: str, key: str, value: str) -> str:
    """``text`` with ``key: value`` appended as the last top-level entry.

    Needs no parse, so it can follow :meth:`FrontMatterEditor.set_values` without composing the
    edited text again.
    """
    if text and not text.endswith("\n"):
        text += "\r\n" if text.endswith("\r") else "\n"
    newline = "\r\n" if "\r\n" in text else "\n"
    return f"{text}{key}: {render_scalar(value, None)}{newline}"


def _collect_scalars(node: Any, prefix: DottedPath, found: list[DottedPath]) -> None:
    for key, value in node.value:
        if key.id != "scalar":
            continue
        path = (*prefix, str(key.value))
        if value.id == "scalar":
            found.append(path)
        elif value.id == "mapping":
            _collect_scalars(value, path, found)


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _libyaml_compose(text: str) -> Any:
    """libyaml's node tree, or None when libyaml rejects the text."""
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return None


def render_scalar(value: str, style: str | None) -> str:
    """Write ``value`` as YAML in the original style when that style can hold it exactly."""
    if style is None and _plain_round_trips(value):
        return value
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    # A JSON string is a YAML double-quoted scalar once the characters YAML forbids even
    # there (DEL, C1 controls, surrogates, U+FFFE/F) or folds as line breaks (NEL, U+2028/9)
    # are escaped too.
    return _UNPRINTABLE.sub(_escape, json.dumps(value, ensure_ascii=False))


_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _plain_round_trips(value: str) -> bool:
    if not value or "\n" in value or value != value.strip():
        return False
    try:
        loaded = yaml.load(f"k: {value}\n", Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded.get("k") == value
