"""Fast YAML reading with positions, for everything that reads and does not write.

libyaml (PyYAML's C loader) composes the node tree; we turn it into plain Python values and
remember where every value sits, so a later message can say ``file:line:col``.  Scalars stay
strings (``null`` becomes ``None``): front matter is text, and a title of ``No`` must not become
``False``.  Writing goes through :mod:`polyfolio.content.frontmatter`'s round-trip editor instead.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from msgspec import Struct, field

from polyfolio.diagnostics import ContentError, Diagnostic, Location, error

try:
    _Loader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# A generous cap on values visited, so alias "billion laughs" cannot blow up memory or time.
MAX_NODES = 100_000

_NULL_TAG = "tag:yaml.org,2002:null"
KeyPath = tuple[str | int, ...]


class YamlTree(Struct):
    """Plain data plus the 1-based (line, col) of every key path's value in the file."""

    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def location(self, path: str, keys: KeyPath) -> Location:
        """Where the value at ``keys`` is, falling back to its key, then to the block start."""
        for table in (self.positions, self.key_positions):
            if keys in table:
                line, col = table[keys]
                return Location(path, line, col)
        return Location(path, self.start_line, 1)

    start_line: int = 1


def parse_yaml(text: str, path: str, first_line: int = 1) -> YamlTree:
    """Parse ``text`` (which starts at ``first_line`` of ``path``) into a :class:`YamlTree`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        message = exc.problem or exc.context or "invalid YAML"
        raise ContentError(error(Location(path, line, col), f"invalid YAML: {message}")) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position, first_line)
        message = f"invalid YAML: character U+{exc.character:04X} is not allowed in YAML"
        raise ContentError(error(Location(path, line, col), message)) from None
    except yaml.YAMLError as exc:
        raise ContentError(error(Location(path, first_line, 1), f"invalid YAML: {exc}")) from None
    tree = YamlTree(data=None, start_line=first_line)
    if node is not None:
        converter = _Converter(tree, path, first_line)
        tree.data = converter.convert(node, ())
    return tree


def _line_col(text: str, position: int, first_line: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, position) + 1
    return first_line + text.count("\n", 0, position), position - line_start + 1


class _Converter:
    def __init__(self, tree: YamlTree, path: str, first_line: int) -> None:
        self.tree = tree
        self.path = path
        self.first_line = first_line
        self.visited = 0

    def position(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + self.first_line, node.start_mark.column + 1

    def convert(self, node: yaml.Node, keys: KeyPath) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            line, col = self.position(node)
            raise ContentError(
                error(
                    Location(self.path, line, col),
                    f"YAML expands to more than {MAX_NODES} values (alias bomb?)",
                )
            )
        self.tree.positions.setdefault(keys, self.position(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, keys)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, (*keys, i)) for i, child in enumerate(node.value)]
        return None if node.tag == _NULL_TAG else str(node.value)

    def mapping(self, node: yaml.MappingNode, keys: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.MappingNode | yaml.SequenceNode):
                line, col = self.position(key_node)
                raise ContentError(
                    error(Location(self.path, line, col), "a mapping key must be plain text")
                )
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.convert(value_node, keys)
                if isinstance(merged, dict):
                    result.update(merged)
                continue
            # Interned: the same few names in every file are then one object each, which the
            # caches' marshal writes once and reads back faster (a third less at 4,000 items).
            key = sys.intern(str(key_node.value))
            if key in result:
                line, col = self.position(key_node)
                self.tree.problems.append(
                    error(Location(self.path, line, col), f"duplicate key '{key}'")
                )
            self.tree.key_positions[(*keys, key)] = self.position(key_node)
            result[key] = self.convert(value_node, (*keys, key))
        return result
