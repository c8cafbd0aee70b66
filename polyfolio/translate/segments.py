"""Cut a document into the segments an engine translates, and remember how to put them back.

A body segment is the text of one inline run (a heading, a paragraph, a list item's paragraph,
a table cell); a front matter segment is one translatable value.  Everything else — code,
raw HTML blocks, link reference definitions, front matter keys and other values, and the
layout of each run's lines — is never sent and is copied from the source.

Inside a body segment:

* inline markup becomes placeholders (see :mod:`polyfolio.translate.placeholders`);
* each line break becomes ``\\n``; the bytes it stands for (trailing blanks or a backslash hard
  break, the line ending, the next line's prefix of indentation, list markers, TABs and ``>``)
  are kept in the segment's :class:`BodyLayout` and written back verbatim by
  :func:`polyfolio.translate.target.build_target`.

A run with no letter outside its placeholders (``{{ content }}``, ``2024``, an image without alt
text) is not a segment: there is nothing to translate.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

from msgspec import Struct, field

from polyfolio.content.document import Document
from polyfolio.content.frontmatter import dotted, lookup, read_front_matter
from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.translate.markup import InlineRun, Markup, inline_runs
from polyfolio.translate.placeholders import (
    LIQUID_RE,
    REGION_RE,
    Placeholders,
    atom,
    pair,
    protect_plain,
    text_atoms,
)

DEFAULT_TRANSLATABLE: tuple[str, ...] = (
    "caption.title",
    "caption.subtitle",
    "title",
    "subtitle",
    "alt",
    "description",
)

_NOT_NEWLINE = re.compile(r"[^\n]")

# Reference links whose label is their text: "[text]" and "[text][]".
SHORTCUT_CLOSES = ("]", "][]")


class Segment(Struct, frozen=True):
    key: str  # "fm:caption.title" or "body:<n>" (n-th translatable body segment, 0-based)
    kind: str  # front | heading | paragraph | list_item | blockquote | table_cell
    text: str  # engine-facing text; inline markup replaced by placeholder tokens
    placeholders: Placeholders  # (token, original markup) in order
    line: int  # 1-based line of the segment in the file


class BodyLayout(Struct, frozen=True):
    """How a body segment sits in the source body, for writing a translation back."""

    start: int  # offsets of the segment's bytes in ``Document.body``
    end: int
    joints: tuple[str, ...]  # the source bytes each ``\n`` of the text stands for, in order
    line_start: bool  # the text starts a line of paragraph text
    labels: tuple[tuple[str, str], ...] = ()  # close token -> label of a shortcut reference
    emphasis: frozenset[str] = frozenset()  # tokens of emphasis pairs (no blanks inside)
    table_cell: bool = False  # a "|" in text would split the cell


class SegmentedDocument(Struct, frozen=True):
    document: Document
    segments: tuple[Segment, ...]
    layouts: dict[str, BodyLayout] = field(default_factory=dict)  # body segments by key

    def by_key(self) -> dict[str, Segment]:
        return {segment.key: segment for segment in self.segments}


def segment_document(
    document: Document, translatable: Sequence[str] = DEFAULT_TRANSLATABLE
) -> SegmentedDocument:
    """All segments of ``document``: front matter values in file order, then the body's."""
    front = _front_segments(document, translatable)
    body: list[Segment] = []
    layouts: dict[str, BodyLayout] = {}
    for built in _body_segments(document):
        key = f"body:{len(body)}"
        segment, layout = built.finish(key, document.body_line)
        body.append(segment)
        layouts[key] = layout
    return SegmentedDocument(document, (*front, *body), layouts)


# --- front matter ------------------------------------------------------------------------------


def _front_segments(document: Document, translatable: Sequence[str]) -> list[Segment]:
    if not document.has_front_matter:
        return []
    tree = read_front_matter(document.front_matter, document.path, document.front_matter_line)
    found: list[Segment] = []
    for path in translatable:
        keys = dotted(path)
        value = lookup(tree.data, keys)
        if not isinstance(value, str) or not _has_letter(value):
            continue
        text, placeholders = protect_plain(value)
        if not _has_letter(_text_without(text, placeholders)):
            continue
        line = tree.location(document.path, keys).line
        found.append(Segment(f"fm:{'.'.join(keys)}", "front", text, placeholders, line))
    return sorted(found, key=lambda segment: segment.line)


def _text_without(text: str, placeholders: Placeholders) -> str:
    for token, _ in placeholders:
        text = text.replace(token, " ")
    return text


def _has_letter(text: str) -> bool:
    return any(char.isalpha() for char in text)


# --- body --------------------------------------------------------------------------------------


class _Piece(Struct):
    role: str  # text | joint | atom | open | close
    raw: str
    kind: str = ""
    pair_id: int = -1


class _Built(Struct):
    run: InlineRun
    pieces: list[_Piece]
    start: int
    end: int

    def finish(self, key: str, body_line: int) -> tuple[Segment, BodyLayout]:
        parts: list[str] = []
        placeholders: list[tuple[str, str]] = []
        joints: list[str] = []
        labels: list[tuple[str, str]] = []
        emphasis: set[str] = set()
        numbers: dict[int, int] = {}  # pair id -> its placeholder number
        opened: dict[int, int] = {}  # pair id -> index of its open piece
        number = 0
        for index, piece in enumerate(self.pieces):
            if piece.role == "text":
                parts.append(piece.raw)
                continue
            if piece.role == "joint":
                parts.append("\n")
                joints.append(piece.raw)
                continue
            if piece.role == "close":
                open_token, close_token = pair(piece.kind, numbers[piece.pair_id])
                token = close_token
                if piece.kind in ("link", "image") and piece.raw in SHORTCUT_CLOSES:
                    inner = self.pieces[opened[piece.pair_id] + 1 : index]
                    labels.append((token, "".join(p.raw for p in inner)))
                if piece.kind in ("em", "strong"):
                    emphasis.update((open_token, close_token))
            else:
                number += 1
                if piece.role == "open":
                    numbers[piece.pair_id] = number
                    opened[piece.pair_id] = index
                    token = pair(piece.kind, number)[0]
                else:
                    token = atom(number)
            parts.append(token)
            placeholders.append((token, piece.raw))
        segment = Segment(
            key=key,
            kind=self.run.kind,
            text="".join(parts),
            placeholders=tuple(placeholders),
            line=body_line + self.run.line,
        )
        layout = BodyLayout(
            self.start,
            self.end,
            tuple(joints),
            self.run.line_start,
            tuple(labels),
            frozenset(emphasis),
            self.run.kind == "table_cell",
        )
        return segment, layout


class _Source:
    """The body with newlines normalised to ``\\n`` (``text``), what Markdown parses
    (``parsed``: the same with Liquid masked) and a way back to the real bytes."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.text = body.replace("\r\n", "\n").replace("\r", "\n") if "\r" in body else body
        self.parsed = LIQUID_RE.sub(_mask, self.text) if "{" in self.text else self.text
        self._map = _offset_map(body) if "\r" in body else None

    def offset(self, parsed: int) -> int:
        return parsed if self._map is None else self._map[parsed]

    def raw(self, start: int, end: int) -> str:
        return self.body[self.offset(start) : self.offset(end)]


def _mask(match: re.Match[str]) -> str:
    # Jekyll runs Liquid before Markdown: "![logo]({{ '/a.png' | relative_url }})" is an image
    # there.  Letters of the same length (line breaks kept) let Markdown see what Jekyll sees,
    # and keep every offset; the Liquid itself then becomes an atom.
    return _NOT_NEWLINE.sub("x", match.group())


def _offset_map(body: str) -> list[int]:
    """Index in the parsed text -> index in ``body``, where CR LF and CR became LF."""
    mapping: list[int] = []
    index = 0
    while index < len(body):
        mapping.append(index)
        index += 2 if body.startswith("\r\n", index) else 1
    mapping.append(len(body))
    return mapping


def _body_segments(document: Document) -> Iterator[_Built]:
    source = _Source(document.body)
    for run in inline_runs(source.parsed):
        _check_run(run, source, document)
        try:
            pieces = _pieces(run, source)
        except ValueError as exc:
            raise ContentError(
                error(Location(document.path, document.body_line + run.line, 1), str(exc))
            ) from None
        if any(piece.role == "text" and _has_letter(piece.raw) for piece in pieces):
            start, end = run.lines[0][0], run.lines[-1][1]
            yield _Built(run, pieces, source.offset(start), source.offset(end))


def _check_run(run: InlineRun, source: _Source, document: Document) -> None:
    previous = 0
    for start, end in run.lines:
        if not previous <= start <= end <= len(source.text):
            line = document.body_line + run.line
            raise ContentError(
                error(
                    Location(document.path, line, 1),
                    "cannot locate this text in the file to translate it",
                )
            )
        previous = end


def _pieces(run: InlineRun, source: _Source) -> list[_Piece]:
    start, end = run.lines[0][0], run.lines[-1][1]
    markup = _with_regions(_paired(run.markup), source.text, start, end)
    spans = [(m.start, m.end, m) for m, _ in markup]
    events: list[tuple[int, int, _Piece]] = [
        (m.start, m.end, _Piece(m.role, source.raw(m.start, m.end), m.kind, pair_id))
        for m, pair_id in markup
    ]
    for joint_start, joint_end in _joints(run, source.text, spans):
        events.append((joint_start, joint_end, _Piece("joint", source.raw(joint_start, joint_end))))
    events.sort(key=lambda event: event[0])
    pieces: list[_Piece] = []
    position = start
    for event_start, event_end, piece in events:
        if event_start < position:
            raise ValueError("overlapping markup; cannot cut this text into segments safely")
        if event_start > position:
            pieces.extend(_text_pieces(source.raw(position, event_start)))
        pieces.append(piece)
        position = event_end
    if position < end:
        pieces.extend(_text_pieces(source.raw(position, end)))
    return pieces


def _paired(markup: Sequence[Markup]) -> list[tuple[Markup, int]]:
    """Markup with a pair id shared by each open and its close (-1 for atoms)."""
    stack: list[int] = []
    result: list[tuple[Markup, int]] = []
    for index, item in enumerate(markup):
        if item.role == "open":
            stack.append(index)
            result.append((item, index))
        elif item.role == "close":
            result.append((item, stack.pop()))
        else:
            result.append((item, -1))
    return result


def _with_regions(
    markup: list[tuple[Markup, int]], text: str, start: int, end: int
) -> list[tuple[Markup, int]]:
    """Add Liquid and kramdown attribute lists as atoms.

    Such a region that starts inside markup is already protected by it.  Otherwise the region
    wins: atoms it touches are merged into it, and pairs it cuts lose both their halves (their
    characters are then plain text, still copied byte for byte).  Markup spans never overlap
    each other, so sorted by start they are sorted by end too: bisect finds what a region hits.
    """
    matches = list(REGION_RE.finditer(text, start, end))
    if not matches:
        return markup
    starts = [m.start for m, _ in markup]
    dropped: set[int] = set()
    cut_pairs: set[int] = set()
    regions: list[tuple[Markup, int]] = []
    last_end = start
    for match in matches:
        region_start, region_end = match.start(), match.end()
        before = bisect_right(starts, region_start) - 1
        if region_start < last_end or (before >= 0 and markup[before][0].end > region_start):
            continue  # inside markup or inside a region grown over an atom
        index = before + 1
        while index < len(markup) and markup[index][0].start < region_end:
            item, pair_id = markup[index]
            dropped.add(index)
            if item.role == "atom":
                region_end = max(region_end, item.end)
            else:
                cut_pairs.add(pair_id)
            index += 1
        regions.append((Markup(region_start, region_end, "atom", "liquid"), -1))
        last_end = region_end
    kept = [
        (m, p)
        for index, (m, p) in enumerate(markup)
        if index not in dropped and (p == -1 or p not in cut_pairs)
    ]
    return sorted(kept + regions, key=lambda item: item[0].start)


def _joints(
    run: InlineRun, text: str, spans: list[tuple[int, int, Markup]]
) -> Iterator[tuple[int, int]]:
    """Spans of the line breaks that are not inside markup (from one line's text to the next)."""
    for (line_start, line_end), (next_start, _) in zip(run.lines, run.lines[1:], strict=False):
        newline = text.find("\n", line_end, next_start)
        if any(s <= newline < e for s, e, _ in spans):
            continue
        joint_start = line_end
        if (line_end - 1) in run.hard_breaks:
            # the backslash and the blanks before it end the line (they are not text)
            joint_start = line_end - 1
            while joint_start > line_start and text[joint_start - 1] in " \t":
                joint_start -= 1
        yield joint_start, next_start


def _text_pieces(raw: str) -> Iterator[_Piece]:
    """Plain text, with URLs, e-mail addresses and token look-alikes cut out as atoms."""
    position = 0
    for match in text_atoms(raw):
        if match.start() > position:
            yield _Piece("text", raw[position : match.start()])
        yield _Piece("atom", match.group(), "text")
        position = match.end()
    if position < len(raw):
        yield _Piece("text", raw[position:])
