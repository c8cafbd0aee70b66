"""Write translations into a copy of the source's exact layout, and read them back.

A target is the source with each segment's bytes replaced by its translation:

* front matter: only translated values, ``lang`` and ``source_hash`` change, through
  :class:`~polyfolio.content.frontmatter.FrontMatterEditor` (comments, order, quoting kept);
* body: the bytes between segments are the source's; inside a segment the placeholders get their
  markup back and each ``\\n`` its line break with the source's line prefix.

Line breaks when a translation has a different number of lines than its source: the k-th
``\\n`` of the translation gets the source's k-th line break (with its prefix and any hard
break); breaks the source does not have reuse the source's last line prefix (without a hard
break); in a one-line source (heading, table cell, one-line paragraph) they become spaces.
Blank lines in a translation collapse to one break (a paragraph stays one paragraph).

Text that differs from the source is made safe for its place: block syntax at the start of a
line (``#``, ``>``, ``-``, ``1.``, fences, ``[label]:`` …) is backslash-escaped so a translation
cannot turn a paragraph into a heading or a list, blanks at a line's ends are dropped (indent
would make code; two trailing spaces a hard break), blanks just inside emphasis move outside it,
and a shortcut reference (``[text]``) whose text changed keeps its label (``[new][text]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from polyfolio.content.document import Document
from polyfolio.content.frontmatter import FrontMatterEditor
from polyfolio.translate.placeholders import (
    TOKEN_RE,
    PlaceholderError,
    Placeholders,
    Token,
    parse_token,
    placeholder_problems,
    restore_plain,
    split_protected,
)
from polyfolio.translate.segments import (
    SHORTCUT_CLOSES,
    BodyLayout,
    Segment,
    SegmentedDocument,
    segment_document,
)

__all__ = ["PlaceholderError", "build_target", "read_target_texts"]

_BLANKS = " \t"
_NEWLINES = re.compile(r"[ \t]*\n[ \t\n]*")
# Line starts that would begin a block (or a link reference definition) in Markdown.
_BLOCK_START = re.compile(
    r"(?:#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|(?:[-*_][ \t]*){3,}$|=+[ \t]*$|`{3,}|~{3,}"
    r"|<[A-Za-z/!?]|\[|\|[ \t]*:?-+:?[ \t]*(?:\||$))"
)
_ORDERED_START = re.compile(r"[0-9]{1,9}(?=[.)](?:[ \t]|$))")


def build_target(
    source: SegmentedDocument, translations: Mapping[str, str], *, lang: str, source_hash: str
) -> Document:
    """The target document for ``translations`` (segment key -> text in placeholder form).

    A missing key keeps the source's text.  Raises :class:`PlaceholderError` if a translation
    lacks, repeats, invents or misnests a placeholder; callers run the checks first.
    """
    document = source.document
    body = _target_body(source, translations)
    values = {
        segment.key[3:]: restore_plain(translations[segment.key], segment.placeholders)
        for segment in source.segments
        if segment.kind == "front" and translations.get(segment.key, segment.text) != segment.text
    }
    if not document.has_front_matter:
        newline = "\r\n" if "\r\n" in document.body else "\n"
        front = f"lang: {lang}{newline}source_hash: {source_hash}{newline}"
        return replace(
            document,
            opening=f"---{newline}",
            front_matter=front,
            closing=f"---{newline}",
            body=body,
        )
    front = _target_front(document, values, lang, source_hash)
    return replace(document, front_matter=front, body=body)


def _target_front(document: Document, values: Mapping[str, str], lang: str, digest: str) -> str:
    editor = FrontMatterEditor(document.front_matter, document.path, document.front_matter_line)
    changes = {tuple(path.split(".")): value for path, value in values.items()}
    added: list[tuple[str, str]] = []
    for key, value in (("lang", lang), ("source_hash", digest)):
        if editor.has((key,)):
            changes[(key,)] = value
        else:
            added.append((key, value))
    text = editor.set_values(changes)
    for key, value in added:
        text = FrontMatterEditor(text, document.path, document.front_matter_line).with_new_key(
            key, value
        )
    return text


def _target_body(source: SegmentedDocument, translations: Mapping[str, str]) -> str:
    body = source.document.body
    parts: list[str] = []
    position = 0
    for segment in source.segments:
        layout = source.layouts.get(segment.key)
        if layout is None:
            continue
        translated = translations.get(segment.key)
        if translated is None or translated == segment.text:
            continue
        parts.append(body[position : layout.start])
        parts.append(_reassemble(segment, layout, translated))
        position = layout.end
    parts.append(body[position:])
    return "".join(parts)


# --- one body segment --------------------------------------------------------------------------


@dataclass(slots=True)
class _Writer:
    """Builds a segment's bytes from translated pieces, line break by line break."""

    layout: BodyLayout
    parts: list[str]
    breaks: int = 0
    at_line_start: bool = True

    def text(self, text: str) -> None:
        for index, line in enumerate(text.split("\n")):
            if index:
                self.line_break()
            if self.at_line_start:
                line = line.lstrip(_BLANKS)
                if line and self.layout.line_start:
                    line = _escape_block_start(line)
            if line:
                self.parts.append(line)
                self.at_line_start = False

    def markup(self, raw: str) -> None:
        self.parts.append(raw)
        self.at_line_start = False

    def line_break(self) -> None:
        self._trim_end()
        joints = self.layout.joints
        if self.breaks < len(joints):
            self.parts.append(joints[self.breaks])
        elif joints:
            self.parts.append(_continuation(joints[-1]))
        else:
            self.parts.append(" ")
        self.breaks += 1
        self.at_line_start = True

    def _trim_end(self) -> None:
        if self.parts and not self.at_line_start:
            self.parts[-1] = self.parts[-1].rstrip(_BLANKS)


def _continuation(joint: str) -> str:
    """A line break with the prefix of the source's last line, without any hard break."""
    newline = joint.rfind("\n")
    ending = "\r\n" if joint[newline - 1 : newline] == "\r" else "\n"
    return ending + joint[newline + 1 :]


def _reassemble(segment: Segment, layout: BodyLayout, translated: str) -> str:
    problems = placeholder_problems([token for token, _ in segment.placeholders], translated)
    if problems:
        raise PlaceholderError(f"{segment.key}: {'; '.join(problems)}")
    originals = dict(segment.placeholders)
    labels = dict(layout.labels)
    writer = _Writer(layout, [])
    opened: dict[str, int] = {}  # pair name -> index in writer.parts after its open markup
    text = _NEWLINES.sub("\n", translated.strip(" \t\n"))
    for is_token, piece in _move_blanks_out(split_protected(text), layout.emphasis):
        if not is_token:
            writer.text(piece)
            continue
        token = _token(piece)
        raw = originals[piece]
        if token.role == "open":
            writer.markup(raw)
            opened[token.name] = len(writer.parts)
        elif token.role == "close" and piece in labels and raw in SHORTCUT_CLOSES:
            if "".join(writer.parts[opened[token.name] :]) != labels[piece]:
                raw = f"][{labels[piece]}]"  # the text no longer names the reference
            writer.markup(raw)
        else:
            writer.markup(raw)
    return "".join(writer.parts)


def _token(piece: str) -> Token:
    match = TOKEN_RE.fullmatch(piece)
    assert match is not None  # split_protected yields only normalised tokens
    return parse_token(match)


def _move_blanks_out(
    pieces: list[tuple[bool, str]], emphasis: frozenset[str]
) -> list[tuple[bool, str]]:
    """``*  word *`` is no emphasis: blanks just inside an emphasis pair go outside it."""
    result = list(pieces)
    for index, (is_token, piece) in enumerate(result):
        if not is_token or piece not in emphasis:
            continue
        closing = piece.startswith("</")
        neighbour = index - 1 if closing else index + 1
        if not 0 <= neighbour < len(result) or result[neighbour][0]:
            continue
        text = result[neighbour][1]
        kept = text.rstrip(_BLANKS) if closing else text.lstrip(_BLANKS)
        moved = text[len(kept) :] if closing else text[: len(text) - len(kept)]
        if not moved:
            continue
        result[neighbour] = (False, kept)
        result[index] = (True, piece)
        result.insert(index + 1 if closing else index, (False, moved))
    return result


def _escape_block_start(line: str) -> str:
    ordered = _ORDERED_START.match(line)
    if ordered:
        return f"{line[: ordered.end()]}\\{line[ordered.end() :]}"
    return f"\\{line}" if _BLOCK_START.match(line) else line


# --- reading an existing target ----------------------------------------------------------------


def read_target_texts(source: SegmentedDocument, target: Document) -> dict[str, str] | None:
    """The current text of each of ``source``'s segments in ``target``, in the source's tokens.

    ``None`` when the target's body no longer has the source's structure: a different number or
    kind of segments, different inline markup, or different bytes around the segments (blanks at
    line ends aside).  Front matter values are aligned by key; one missing in the target is
    simply absent from the result.
    """
    front_keys = [s.key[3:] for s in source.segments if s.kind == "front"]
    current = segment_document(target, front_keys)
    if _skeleton(source) != _skeleton(current):
        return None
    theirs = [s for s in current.segments if s.kind != "front"]
    ours = [s for s in source.segments if s.kind != "front"]
    if len(theirs) != len(ours):
        return None
    texts: dict[str, str] = {}
    for mine, other in zip(ours, theirs, strict=True):
        if mine.kind != other.kind:
            return None
        renamed = _renamed(mine, other, dict(source.layouts[mine.key].labels))
        if renamed is None:
            return None
        texts[mine.key] = renamed
    current_front = current.by_key()
    for segment in source.segments:
        found = current_front.get(segment.key)
        if segment.kind == "front" and found is not None:
            renamed = _renamed(segment, found, {})
            if renamed is not None:
                texts[segment.key] = renamed
    return texts


def _skeleton(document: SegmentedDocument) -> list[str]:
    """The body's bytes outside its segments, blanks at line ends dropped."""
    body = document.document.body
    parts: list[str] = []
    position = 0
    for layout in sorted(document.layouts.values(), key=lambda item: item.start):
        parts.append(body[position : layout.start])
        position = layout.end
    parts.append(body[position:])
    return [re.sub(r"[ \t]+(?=\r?\n|$)", "", part) for part in parts]


@dataclass(frozen=True, slots=True)
class _Unit:
    """A placeholder or a pair, by what it stands for."""

    name: str
    signature: tuple[str, ...]


def _units(placeholders: Placeholders) -> list[_Unit]:
    closes = {token[2:-1]: raw for token, raw in placeholders if token.startswith("</")}
    units: list[_Unit] = []
    for token, raw in placeholders:
        parsed = _token(token)
        if parsed.role == "atom":
            units.append(_Unit(parsed.name, ("atom", raw)))
        elif parsed.role == "open":
            units.append(_Unit(parsed.name, (parsed.name[0], raw, closes[parsed.name])))
    return units


def _renamed(mine: Segment, other: Segment, labels: Mapping[str, str]) -> str | None:
    """``other``'s text with its tokens renamed to ``mine``'s, or None if the markup differs."""
    wanted = _units(mine.placeholders)
    free = list(wanted)
    names: dict[str, str] = {}
    extra: dict[str, str] = {}
    for unit in _units(other.placeholders):
        match = next((w for w in free if _same(w, unit, labels)), None)
        if match is not None:
            free.remove(match)
            names[unit.name] = match.name
        elif unit.signature[0] == "atom" and _is_escape(unit.signature[1]):
            extra[unit.name] = unit.signature[1][1:]  # our own escape of a line start
        else:
            return None
    if free:
        return None
    parts: list[str] = []
    for is_token, piece in split_protected(other.text):
        if not is_token:
            parts.append(piece)
            continue
        token = _token(piece)
        if token.name in extra:
            parts.append(extra[token.name])
        else:
            parts.append(replace(token, name=names[token.name]).text)
    return "".join(parts)


def _same(mine: _Unit, theirs: _Unit, labels: Mapping[str, str]) -> bool:
    if mine.signature == theirs.signature:
        return True
    if len(mine.signature) != 3:
        return False
    kind, open_raw, close_raw = mine.signature
    if kind not in ("a", "m") or close_raw not in SHORTCUT_CLOSES:
        return False
    label = labels.get(f"</{mine.name}>")
    return label is not None and theirs.signature == (kind, open_raw, f"][{label}]")


def _is_escape(raw: str) -> bool:
    return len(raw) == 2 and raw[0] == "\\"
