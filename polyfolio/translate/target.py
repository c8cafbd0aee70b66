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
Blank lines in a translation collapse to one break (a paragraph stays one paragraph), unless
the source has a line that is only a backslash hard break there.

Text that differs from the source is made safe for its place: block syntax at the start of a
line (``#``, ``>``, ``-``, ``1.``, fences, ``[label]:`` …) is backslash-escaped so a translation
cannot turn a paragraph into a heading or a list, blanks at a line's ends are dropped (indent
would make code; two trailing spaces a hard break), blanks just inside emphasis move outside it,
a ``|`` in a table cell is escaped, and a shortcut reference (``[text]``) whose text changed
keeps its label (``[new][text]``).
"""

from __future__ import annotations

import re
import string
from collections import defaultdict, deque
from collections.abc import Mapping

from markdown_it.rules_block.html_block import HTML_SEQUENCES
from msgspec import Struct, field, structs

from polyfolio.content.document import Document
from polyfolio.content.frontmatter import FrontMatterEditor, append_key, lookup, read_front_matter
from polyfolio.diagnostics import ContentError, Location, error
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
_NEWLINES = re.compile(r"[ \t]*\n[ \t]*")
# Line starts that would begin a block (or a link reference definition) in Markdown.
_BLOCK_START = re.compile(
    r"(?:#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|(?:[-*_][ \t]*){3,}$|=+[ \t]*$|`{3,}|~{3,}"
    r"|<[A-Za-z/!?]|\|[ \t]*:?-+:?[ \t]*(?:\||$))"
)
# Only a paragraph's first line can be a link reference definition ("[label]: /url").
_DEFINITION_START = re.compile(r"\[")
_LINE_ENDING = re.compile(r"\r\n|\n|\r")
_LINE_START_ATOM = re.compile(r"<x[0-9]+/>")
_ORDERED_START = re.compile(r"[0-9]{1,9}(?=[.)](?:[ \t]|$))")


def build_target(
    source: SegmentedDocument, translations: Mapping[str, str], *, lang: str, source_hash: str
) -> Document:
    """The target document for ``translations`` (segment key -> text in placeholder form).

    A missing key keeps the source's text.  Raises :class:`PlaceholderError` if a translation
    lacks, repeats, invents or misnests a placeholder, or moves inline HTML to where it would
    open an HTML block; callers run the checks first (they report the same).  Raises
    :class:`ContentError` if a front matter value would not read back exactly as given.
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
        front = append_key(append_key(newline, "lang", lang), "source_hash", source_hash)
        front = front[len(newline) :]  # (the seed newline only told append_key which ending)
        return structs.replace(
            document,
            opening=f"---{newline}",
            front_matter=front,
            closing=f"---{newline}",
            body=body,
        )
    front = _target_front(document, values, lang, source_hash)
    return structs.replace(document, front_matter=front, body=body)


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
        text = append_key(text, key, value)  # no second parse of the edited text
    _verify_front(document, text, {**changes, **{(key,): value for key, value in added}})
    return text


def _verify_front(document: Document, text: str, expected: Mapping[tuple[str, ...], str]) -> None:
    """Read the written front matter back: every value we set must be exactly what we meant.

    Translated text must never become YAML structure; this holds whatever the editor does.
    """
    data = read_front_matter(text, document.path, document.front_matter_line).data
    for path, value in expected.items():
        if lookup(data, path) != value:
            raise ContentError(
                error(
                    Location(document.path, document.front_matter_line, 1),
                    f"cannot write {'.'.join(path)!r} into this front matter safely",
                )
            )


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


class _Writer(Struct):
    """Builds a segment's bytes from translated pieces, line break by line break."""

    layout: BodyLayout
    parts: list[str] = field(default_factory=list)
    breaks: int = 0
    at_line_start: bool = True
    line_starts: list[int] = field(default_factory=list)  # parts that begin a line
    joint_parts: set[int] = field(default_factory=set)
    markup_parts: set[int] = field(default_factory=set)
    # (line, token) where the source's own lines start with markup: no new block can start there
    source_starts: set[tuple[int, str]] = field(default_factory=set)

    def text(self, text: str) -> None:
        if self.layout.table_cell:
            text = text.replace("|", "\\|")
        for index, line in enumerate(text.split("\n")):
            if index:
                self.line_break()
            if self.at_line_start:
                line = line.lstrip(_BLANKS)
                if line and self.layout.line_start:
                    self.line_starts.append(len(self.parts))
            if line:
                self.parts.append(line)
                self.at_line_start = False

    def markup(self, raw: str, token: str = "") -> None:
        new_start = (self.breaks, token) not in self.source_starts
        if self.at_line_start and self.layout.line_start and new_start:
            self.line_starts.append(len(self.parts))
        self.markup_parts.add(len(self.parts))
        self.parts.append(raw)
        self.at_line_start = False

    def line_break(self) -> None:
        joints = self.layout.joints
        if self.breaks < len(joints):
            joint = joints[self.breaks]
        elif joints:
            joint = _continuation(joints[-1])
        else:
            joint = " "
        if self.at_line_start and not joint.lstrip(_BLANKS).startswith("\\"):
            return  # an empty line would end the paragraph; a lone hard break would not
        self._trim_end()
        self.joint_parts.add(len(self.parts))
        self.parts.append(joint)
        self.breaks += 1
        self.at_line_start = True

    def _trim_end(self) -> None:
        if self.parts and not self.at_line_start:
            self.parts[-1] = self.parts[-1].rstrip(_BLANKS)

    def result(self) -> str:
        """The bytes, with block syntax escaped where a line of text starts.

        Markup cannot be escaped: an HTML placeholder that would start an HTML block where it
        now stands is refused (:func:`polyfolio.translate.checks.check_translation` says so).
        """
        for index in self.line_starts:
            end = index + 1
            while end < len(self.parts) and end not in self.joint_parts:
                end += 1
            line = "".join(self.parts[index:end])
            first = index == 0
            if index not in self.markup_parts:
                self.parts[index] = _escape_block_start(line, len(self.parts[index]), first)
            elif starts_html_block(line, first):
                raise PlaceholderError(f"HTML would start a block here: {self.parts[index]}")
        return "".join(self.parts)


def _continuation(joint: str) -> str:
    """A line break with the prefix of the source's last line, without any hard break."""
    ending = list(_LINE_ENDING.finditer(joint))[-1]
    return ending.group() + joint[ending.end() :]


def _reassemble(segment: Segment, layout: BodyLayout, translated: str) -> str:
    problems = placeholder_problems([token for token, _ in segment.placeholders], translated)
    if problems:
        raise PlaceholderError(f"{segment.key}: {'; '.join(problems)}")
    originals = dict(segment.placeholders)
    labels = dict(layout.labels)
    writer = _Writer(layout, source_starts=markup_line_starts(segment.text))
    opened: dict[str, int] = {}  # pair name -> index in writer.parts after its open markup
    text = _NEWLINES.sub("\n", translated.lstrip(_BLANKS).rstrip(" \t\n"))
    for is_token, piece in _move_blanks_out(split_protected(text), layout.emphasis):
        if not is_token:
            writer.text(piece)
            continue
        token = _token(piece)
        raw = originals[piece]
        if token.role == "open":
            writer.markup(raw, piece)
            opened[token.name] = len(writer.parts)
        elif token.role == "close" and piece in labels and raw in SHORTCUT_CLOSES:
            if "".join(writer.parts[opened[token.name] :]) != labels[piece]:
                raw = f"][{labels[piece]}]"  # the text no longer names the reference
            writer.markup(raw, piece)
        else:
            writer.markup(raw, piece)
    return writer.result()


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


def markup_line_starts(text: str) -> set[tuple[int, str]]:
    """(line number, token) for each line of ``text`` that starts with a placeholder."""
    found: set[tuple[int, str]] = set()
    for number, line in enumerate(text.split("\n")):
        pieces = split_protected(line)
        if pieces and pieces[0][0]:
            found.add((number, pieces[0][1]))
    return found


def starts_html_block(line: str, first: bool) -> bool:
    """Whether ``line`` at a line start opens an HTML block (on a paragraph's ``first`` line,
    or interrupting it), by markdown-it's own rules."""
    return any(start.search(line) for start, _, interrupts in HTML_SEQUENCES if first or interrupts)


def _escape_block_start(line: str, text_length: int, first: bool) -> str:
    """The line's first text part (``line[:text_length]``), escaped if the line starts a block."""
    text = line[:text_length]
    if first and _DEFINITION_START.match(line):
        return f"\\{text}"
    ordered = _ORDERED_START.match(line)
    if ordered:
        if ordered.end() >= text_length:
            return text
        return f"{text[: ordered.end()]}\\{text[ordered.end() :]}"
    if text.startswith("`") and _BLOCK_START.match(line):
        # every backtick of the run: code spans pair runs of equal length
        run = len(text) - len(text.lstrip("`"))
        return "\\`" * run + text[run:]
    return f"\\{text}" if _BLOCK_START.match(line) else text


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
    return ["\n".join(_rstrip_line(line) for line in part.split("\n")) for part in parts]


def _rstrip_line(line: str) -> str:
    # (a regex for "blanks before a line end" backtracks quadratically over long indents)
    if line.endswith("\r"):
        return line[:-1].rstrip(_BLANKS) + "\r"
    return line.rstrip(_BLANKS)


class _Unit(Struct, frozen=True):
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
    units = _units(other.placeholders)
    names = _match_units(_units(mine.placeholders), units, labels)
    if names is not None and any(name.startswith("\\") for name in names.values()):
        # Extra escapes at line starts may be ours (see _escape_block_start): match those last,
        # so that the source's own escapes find their counterparts first.
        ours = _our_escapes(other)
        units.sort(key=lambda unit: unit.name in ours)
        names = _match_units(_units(mine.placeholders), units, labels) or names
    if names is None:
        return None
    parts: list[str] = []
    for is_token, piece in split_protected(other.text):
        if not is_token:
            parts.append(piece)
            continue
        token = _token(piece)
        name = names[token.name]
        parts.append(name[1:] if name.startswith("\\") else structs.replace(token, name=name).text)
    return "".join(parts)


def _match_units(
    free: list[_Unit], units: list[_Unit], labels: Mapping[str, str]
) -> dict[str, str] | None:
    """Target unit name -> source unit name (or the escaped character, for our own escapes).

    Each target unit takes the first free source unit that stands for the same markup (a
    shortcut reference also answers to the full reference we write when its text changed).
    """
    buckets: dict[tuple[str, ...], deque[_Unit]] = defaultdict(deque)
    for unit in free:
        for signature in _signatures(unit, labels):
            buckets[signature].append(unit)
    taken: set[str] = set()
    names: dict[str, str] = {}
    for unit in units:
        bucket = buckets.get(unit.signature, deque())
        while bucket and bucket[0].name in taken:
            bucket.popleft()
        if bucket:
            match = bucket.popleft()
            taken.add(match.name)
            names[unit.name] = match.name
        elif unit.signature[0] == "atom" and _is_escape(unit.signature[1]):
            names[unit.name] = unit.signature[1]  # an escape of ours: its character is text
        else:
            return None
    return names if len(taken) == len(free) else None


def _signatures(unit: _Unit, labels: Mapping[str, str]) -> list[tuple[str, ...]]:
    signatures = [unit.signature]
    if len(unit.signature) == 3:
        kind, open_raw, close_raw = unit.signature
        label = labels.get(f"</{unit.name}>")
        if kind in ("a", "m") and close_raw in SHORTCUT_CLOSES and label is not None:
            signatures.append((kind, open_raw, f"][{label}]"))
    return signatures


def _our_escapes(segment: Segment) -> set[str]:
    """Atoms at line starts that :func:`_escape_block_start` would have written."""
    originals = dict(segment.placeholders)
    ours: set[str] = set()
    for number, line in enumerate(segment.text.split("\n")):
        start = _LINE_START_ATOM.match(line)
        raw = originals.get(start.group(), "") if start else ""
        if start is None or not _is_escape(raw):
            continue
        rest = split_protected(line[start.end() :])
        plain = raw[1] + "".join(originals.get(p, "") if token else p for token, p in rest)
        if _escape_block_start(plain, 1, number == 0) != raw[1]:
            ours.add(start.group()[1:-2])
    return ours


def _is_escape(raw: str) -> bool:
    return len(raw) == 2 and raw[0] == "\\" and raw[1] in string.punctuation
