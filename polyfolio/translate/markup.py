"""Where each inline run of a Markdown body sits, and which characters of it are markup.

markdown-it-py gives block tokens line maps but no character offsets, and inline tokens nothing
at all.  This module instruments a private ``MarkdownIt("commonmark").enable("table")`` so that
parsing a body also records, for every inline run (heading text, paragraph, table cell):

* the offset of each of its lines' text in the parsed source (the line prefix — indentation,
  list markers, ``>``, TABs — and trailing whitespace are not part of it);
* the character span of every piece of inline markup: emphasis delimiters, link and image
  brackets with their destinations, code spans, inline HTML, autolinks, entities, escapes;
* the backslashes that end a line as a hard break.

The instrumentation wraps a few block rules (``paragraph``, ``lheading``, ``heading``, ``table``)
and inline rules; a wrapper calls the original rule and notes positions on the tokens it pushed.
Parsing itself is markdown-it-py's, unchanged, except that a paragraph's or table cell's inline
content is re-cut from the source lines whose offsets are recorded (trimmed at its two ends as
markdown-it trims it; a cell keeps its ``\\|`` escapes, which render the same), so every
recorded span maps back to source bytes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from msgspec import Struct

Role = Literal["open", "close", "atom"]

_SPACE_TAB = " \t"
_META = "polyfolio"


class Markup(Struct, frozen=True):
    """One piece of inline markup, as offsets in the parsed text."""

    start: int
    end: int
    role: Role
    kind: str  # strong, em, link, image, code, html, autolink, entity, escape


class InlineRun(Struct, frozen=True):
    """One inline run: its lines' text spans, its markup and where it sits in the block tree."""

    kind: str  # heading, paragraph, list_item, blockquote, table_cell
    line: int  # 0-based line of the parsed text where the run starts
    lines: tuple[tuple[int, int], ...]  # (start, end) of each line's text; no trailing blanks
    markup: tuple[Markup, ...]
    hard_breaks: tuple[int, ...]  # offsets of backslashes that end a line as a hard break
    line_start: bool  # the run starts a line of paragraph text (block syntax there matters)


@cache
def parser() -> MarkdownIt:
    """The instrumented parser; one per process (building one costs far more than a parse)."""
    md = MarkdownIt("commonmark").enable("table")
    # text_join would merge escapes and entities into plain text before we can see them.
    md.disable("text_join")
    for rule in md.block.ruler.__rules__:
        if rule.name in _BLOCK_ANNOTATORS:
            # Ruler.at() would drop the rule's "alt" chains (which rules it may interrupt).
            wrapped = _after_block_rule(rule.name, rule.fn, _BLOCK_ANNOTATORS[rule.name])
            md.block.ruler.at(rule.name, wrapped, {"alt": list(rule.alt)})
    for inline_rule in md.inline.ruler.__rules__:
        if inline_rule.name in _INLINE_RULES:
            md.inline.ruler.at(
                inline_rule.name, _wrap_inline_rule(inline_rule.name, inline_rule.fn)
            )
    return md


def inline_runs(text: str) -> Iterator[InlineRun]:
    """Parse ``text`` (newlines already normalised to ``\\n``) and yield its inline runs."""
    tokens = parser().parse(text)
    containers: list[str] = []
    for token in tokens:
        if token.type in ("list_item_open", "blockquote_open"):
            containers.append("list_item" if token.type == "list_item_open" else "blockquote")
        elif token.type in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif token.type == "inline":
            run = _run(token, _kind(token, containers))
            if run is not None:
                yield run


_BlockRule = Callable[[StateBlock, int, int, bool], bool]
_InlineRule = Callable[[StateInline, bool], bool]
_Annotator = Callable[[str, StateBlock, int, list[Token]], None]


def _kind(token: Token, containers: list[str]) -> str:
    meta = token.meta.get(_META)
    if meta is None:
        return "paragraph"
    block = meta[0]
    if block == "heading":
        return "heading"
    if block == "cell":
        return "table_cell"
    return containers[-1] if containers else "paragraph"


def _run(token: Token, kind: str) -> InlineRun | None:
    meta = token.meta.get(_META)
    if meta is None or not token.content:
        return None
    lines: list[tuple[int, int]] = meta[1]
    line_start: bool = meta[2]
    first_line: int = meta[3]
    starts = _content_line_starts(token.content)
    markup: list[Markup] = []
    hard_breaks: list[int] = []
    _harvest(token.children or [], 0, markup, hard_breaks)

    def to_source(offset: int) -> int:
        index = bisect_right(starts, offset) - 1
        return lines[index][0] + (offset - starts[index])

    return InlineRun(
        kind=kind,
        line=first_line,
        lines=tuple(lines),
        markup=tuple(Markup(to_source(m.start), to_source(m.end), m.role, m.kind) for m in markup),
        hard_breaks=tuple(to_source(h) for h in hard_breaks),
        line_start=line_start,
    )


def _content_line_starts(content: str) -> list[int]:
    starts = [0]
    position = content.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = content.find("\n", position + 1)
    return starts


# --- block rules: where each line of a run's text is -----------------------------------------


def _after_block_rule(name: str, rule: _BlockRule, annotate: _Annotator) -> _BlockRule:
    """``rule`` as it was; after a real (not silent) match, ``annotate`` marks the tokens it
    pushed with where their text lies in the source."""

    def wrapped(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        count = len(state.tokens)
        if not rule(state, start_line, end_line, silent):
            return False
        if not silent:
            annotate(name, state, start_line, state.tokens[count:])
        return True

    return wrapped


def _mark_lines(name: str, state: StateBlock, start_line: int, tokens: list[Token]) -> None:
    """paragraph / lheading: re-cut the content from the source lines, noting their offsets."""
    for token in tokens:
        if token.type == "inline" and token.map:
            first, full = _md_trimmed(
                state.src, token.map[0], _text_lines(state, token.map[0], token.map[1])
            )
            if not full:
                continue
            lines = _trim_blanks(state.src, full)
            # Inner lines keep their trailing blanks: two spaces there are a hard break.
            parts = [state.src[s:e] for s, e in full[:-1]]
            parts.append(state.src[lines[-1][0] : lines[-1][1]])
            token.content = "\n".join(parts)
            block = "heading" if name == "lheading" else "paragraph"
            token.meta[_META] = (block, lines, True, first)


def _text_lines(state: StateBlock, first: int, last: int) -> list[tuple[int, int]]:
    # A paragraph line's text starts at its first non-blank (bMarks + tShift, which container
    # rules keep up to date); the inline parser drops leading blanks of later lines anyway.
    return [(state.bMarks[n] + state.tShift[n], state.eMarks[n]) for n in range(first, last)]


def _md_trimmed(
    src: str, first: int, lines: list[tuple[int, int]]
) -> tuple[int, list[tuple[int, int]]]:
    """Trim the run's ends as markdown-it does (``mdTrim``: JavaScript's whitespace, which
    includes NBSP), dropping edge lines that are nothing but such whitespace."""
    lines = list(lines)
    while lines and not src[lines[0][0] : lines[0][1]].strip(MD_TRIM_CHARS):
        lines.pop(0)
        first += 1
    while lines and not src[lines[-1][0] : lines[-1][1]].strip(MD_TRIM_CHARS):
        lines.pop()
    if lines:
        start, end = lines[0]
        lines[0] = (end - len(src[start:end].lstrip(MD_TRIM_CHARS)), end)
        start, end = lines[-1]
        lines[-1] = (start, start + len(src[start:end].rstrip(MD_TRIM_CHARS)))
    return first, lines


def _trim_blanks(src: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Line spans without trailing blanks (they are layout: hard breaks live in the joints)."""
    return [(s, s + len(src[s:e].rstrip(_SPACE_TAB))) for s, e in lines]


def _mark_heading(name: str, state: StateBlock, start_line: int, tokens: list[Token]) -> None:
    for token in tokens:
        if token.type == "inline" and token.content:
            begin = state.bMarks[start_line] + state.tShift[start_line]
            while state.src[begin] == "#":
                begin += 1
            start = state.src.find(token.content, begin, state.eMarks[start_line])
            lines = [(start, start + len(token.content))]
            token.meta[_META] = ("heading", lines, False, start_line)


def _mark_cells(name: str, state: StateBlock, start_line: int, tokens: list[Token]) -> None:
    row_line = -1
    cells: list[tuple[int, int]] = []
    index = 0
    for token in tokens:
        if token.type == "tr_open" and token.map:
            row_line, index = token.map[0], 0
            cells = _row_cells(state, row_line)
        elif token.type == "inline" and row_line >= 0:
            if index < len(cells):
                start, end = cells[index]
                token.content = state.src[start:end]
                # a row without a leading "|" starts its line with the first cell's text
                row_start = state.bMarks[row_line] + state.tShift[row_line]
                token.meta[_META] = ("cell", [(start, end)], start == row_start, row_line)
            index += 1


def _row_cells(state: StateBlock, line: int) -> list[tuple[int, int]]:
    """Cell text spans of a table row, split exactly as markdown-it's ``escapedSplit`` does."""
    begin = state.bMarks[line] + state.tShift[line]
    end = state.eMarks[line]
    text = state.src[begin:end]
    stripped = text.lstrip(MD_TRIM_CHARS)
    begin += len(text) - len(stripped)
    end = begin + len(stripped.rstrip(MD_TRIM_CHARS))
    columns: list[tuple[int, int]] = []
    cell_start = begin
    escaped = False
    for position in range(begin, end):
        char = state.src[position]
        if char == "|" and not escaped:
            columns.append((cell_start, position))
            cell_start = position + 1
        escaped = char == "\\"
    columns.append((cell_start, end))
    if columns and columns[0][0] == columns[0][1]:
        columns.pop(0)
    if columns and columns[-1][0] == columns[-1][1]:
        columns.pop()
    return [_trim_span(state.src, s, e) for s, e in columns]


def _trim_span(src: str, start: int, end: int) -> tuple[int, int]:
    text = src[start:end]
    left = len(text) - len(text.lstrip(MD_TRIM_CHARS))
    return start + left, start + len(text.rstrip(MD_TRIM_CHARS))


# --- inline rules: which characters are markup -------------------------------------------------


def _wrap_inline_rule(name: str, rule: _InlineRule) -> _InlineRule:
    def wrapped(state: StateInline, silent: bool) -> bool:
        if silent:
            return rule(state, silent)
        start = state.pos
        count = len(state.tokens) + (1 if state.pending else 0)  # push() flushes pending text
        label_end = _label_end(state, name)
        if not rule(state, silent):
            return False
        _annotate(name, state.tokens[count:], start, state.pos, label_end)
        return True

    return wrapped


def _label_end(state: StateInline, name: str) -> int:
    # The link and image rules find the closing bracket the same way, before moving on.
    if name == "link" and state.src[state.pos] == "[":
        return parseLinkLabel(state, state.pos, True)
    if name == "image" and state.src.startswith("![", state.pos):
        return parseLinkLabel(state, state.pos + 1, False)
    return -1


def _annotate(name: str, pushed: list[Token], start: int, end: int, label_end: int) -> None:
    if not pushed:
        return
    if name == "emphasis":
        for offset, token in enumerate(pushed):
            token.meta[_META] = ("delim", start + offset)
    elif name == "link":
        pushed[0].meta[_META] = ("open", start, start + 1)
        pushed[-1].meta[_META] = ("close", label_end, end)
    elif name == "image":
        pushed[0].meta[_META] = ("image", start, label_end, end)
    elif name == "autolink":
        pushed[0].meta[_META] = ("atom", start, end)
        for token in pushed[1:]:
            token.meta[_META] = ("skip",)
    elif name == "escape" and pushed[0].type == "hardbreak":
        pushed[0].meta[_META] = ("hardbreak", start)
    else:
        pushed[0].meta[_META] = ("atom", start, end)


_BLOCK_ANNOTATORS: dict[str, _Annotator] = {
    "paragraph": _mark_lines,
    "lheading": _mark_lines,
    "heading": _mark_heading,
    "table": _mark_cells,
}
_INLINE_RULES = (
    "escape",
    "backticks",
    "emphasis",
    "link",
    "image",
    "autolink",
    "html_inline",
    "entity",
)

_ATOM_KINDS = {"code_inline": "code", "html_inline": "html", "link_open": "autolink"}


def _harvest(
    children: Sequence[Token], offset: int, markup: list[Markup], hard_breaks: list[int]
) -> None:
    """Collect the markup noted on ``children`` (offsets shifted by ``offset``), in order."""
    for token in children:
        info = token.meta.get(_META) if token.meta else None
        if info is None or info[0] == "skip":
            continue
        tag = info[0]
        if tag == "delim":
            _emphasis(token, offset + info[1], markup)
        elif tag == "open":
            markup.append(Markup(offset + info[1], offset + info[2], "open", "link"))
        elif tag == "close":
            markup.append(Markup(offset + info[1], offset + info[2], "close", "link"))
        elif tag == "image":
            _, start, label_end, end = info
            markup.append(Markup(offset + start, offset + start + 2, "open", "image"))
            _harvest(token.children or [], offset + start + 2, markup, hard_breaks)
            markup.append(Markup(offset + label_end, offset + end, "close", "image"))
        elif tag == "hardbreak":
            hard_breaks.append(offset + info[1])
        elif tag == "atom" and not _literal_backslash(token):
            kind = _ATOM_KINDS.get(token.type, "entity" if token.info == "entity" else "escape")
            markup.append(Markup(offset + info[1], offset + info[2], "atom", kind))


def _literal_backslash(token: Token) -> bool:
    """``\\`` before a character it cannot escape is two characters of plain text."""
    return token.type == "text_special" and token.info == "escape" and token.content == token.markup


def _emphasis(token: Token, position: int, markup: list[Markup]) -> None:
    # Each delimiter character was pushed as its own token; post-processing turned the matched
    # ones into em/strong tokens.  A strong opener is the second of its two characters, a strong
    # closer the first of its two (markdown-it's emphasis post-processing).
    if token.type == "em_open":
        markup.append(Markup(position, position + 1, "open", "em"))
    elif token.type == "em_close":
        markup.append(Markup(position, position + 1, "close", "em"))
    elif token.type == "strong_open":
        markup.append(Markup(position - 1, position + 1, "open", "strong"))
    elif token.type == "strong_close":
        markup.append(Markup(position, position + 2, "close", "strong"))
