"""Check an engine's answer for one segment before anything is written.

An answer is accepted only when it hands back every placeholder exactly once and properly
nested, and brings nothing the source segment lacks that could change the page beyond its text:
no HTML tag (an engine must not be able to inject ``<script>``), no link syntax, URL, e-mail
address or Liquid, no control characters.  Numbers must survive, the text must not be empty
or of an absurd length, and it must not echo instructions back.

Each rule is a small function ``(source text, answer text) -> Problem | None`` working on the
texts without their tokens; :func:`check_translation` runs them in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from msgspec import Struct

from polyfolio.translate.placeholders import (
    placeholder_problems,
    split_protected,
    text_atoms,
    text_only,
)
from polyfolio.translate.segments import Segment
from polyfolio.translate.target import markup_line_starts, starts_html_block


class Problem(Struct, frozen=True):
    code: str  # placeholder, html, link, liquid, control, number, empty, length, echo
    message: str


MIN_RATIO = 0.3
MAX_RATIO = 3.5
RATIO_FROM = 20  # characters of source text below which any length is plausible

_HTML = re.compile(r"<\s*/?\s*([a-z][a-z0-9-]*|!--|!\[cdata\[|![a-z]|\?)", re.IGNORECASE)
_LINK_SYNTAX = re.compile(
    r"\]\s*[(\[:]|<[a-z][a-z0-9+.-]*:[^\s<>]*>|\b(?:javascript|data|vbscript|mailto|file):",
    re.IGNORECASE,
)
_LIQUID = re.compile(r"\{\{|\{%|\}\}|%\}")
_DIGITS = re.compile(r"[0-9]+")
_ECHO = re.compile(
    r"\b(?:ignore (?:all |the )?(?:previous|above|prior) instructions"
    r"|as an ai\b|here is the translation|translation:|translated text:"
    r"|i cannot translate|i'm sorry, but)",
    re.IGNORECASE,
)
# C0/C1 controls but TAB and LF, and the bidi overrides/isolates that can hide or reorder text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_translation(segment: Segment, translated: str) -> list[Problem]:
    """Everything wrong with ``translated`` as a translation of ``segment``; ``[]`` accepts it."""
    expected = [token for token, _ in segment.placeholders]
    problems = [Problem("placeholder", text) for text in placeholder_problems(expected, translated)]
    if not problems and segment.kind != "front":
        problems.extend(_html_at_line_start(segment, translated))
    source, answer = text_only(segment.text), text_only(translated)
    for rule in _RULES:
        problem = rule(source, answer)
        if problem is not None:
            problems.append(problem)
    return problems


def _html_at_line_start(segment: Segment, translated: str) -> list[Problem]:
    """Inline HTML moved to the start of a line would open an HTML block there."""
    originals = dict(segment.placeholders)
    in_source = markup_line_starts(segment.text)
    for number, line in enumerate(translated.lstrip(" \t\n").split("\n")):
        pieces = split_protected(line.lstrip(" \t"))
        if not pieces or not pieces[0][0] or (number, pieces[0][1]) in in_source:
            continue
        restored = "".join(originals.get(piece, "") if token else piece for token, piece in pieces)
        if starts_html_block(restored, number == 0):
            return [Problem("placeholder", f"{pieces[0][1]} (HTML) cannot start a line")]
    return []


def _new(pattern: re.Pattern[str], source: str, answer: str) -> list[str]:
    """Matches of ``pattern`` in ``answer`` that ``source`` does not have as often."""
    return _new_matches(list(pattern.finditer(source)), list(pattern.finditer(answer)))


def _new_matches(source: list[re.Match[str]], answer: list[re.Match[str]]) -> list[str]:
    have = Counter(match.group().lower() for match in source)
    new: list[str] = []
    for match in answer:
        found = match.group().lower()
        if have[found] > 0:
            have[found] -= 1
        else:
            new.append(match.group())
    return new


def _html(source: str, answer: str) -> Problem | None:
    new = _new(_HTML, source, answer)
    return Problem("html", f"HTML the source does not have: {new[0]}") if new else None


def _link(source: str, answer: str) -> Problem | None:
    new = _new_matches(text_atoms(source), text_atoms(answer))
    new += _new(_LINK_SYNTAX, source, answer)
    if not new:
        return None
    return Problem("link", f"link, URL or address the source does not have: {new[0]}")


def _liquid(source: str, answer: str) -> Problem | None:
    new = _new(_LIQUID, source, answer)
    return Problem("liquid", f"Liquid the source does not have: {new[0]}") if new else None


def _control(source: str, answer: str) -> Problem | None:
    for match in _CONTROLS.finditer(answer):
        if match.group() not in source:
            return Problem("control", f"control character U+{ord(match.group()):04X}")
    return None


def _number(source: str, answer: str) -> Problem | None:
    # Digit runs, so "1,000" and "1.000" agree and a reordered sentence is fine.
    wanted = Counter(_DIGITS.findall(source))
    found = Counter(_DIGITS.findall(answer))
    if wanted == found:
        return None
    lost = sorted((wanted - found).elements())
    added = sorted((found - wanted).elements())
    detail = ", ".join(
        part
        for part in (
            f"lost {' '.join(lost)}" if lost else "",
            f"added {' '.join(added)}" if added else "",
        )
        if part
    )
    return Problem("number", f"numbers differ: {detail}")


def _empty(source: str, answer: str) -> Problem | None:
    if source.strip() and not answer.strip():
        return Problem("empty", "empty translation")
    return None


def _length(source: str, answer: str) -> Problem | None:
    size = len(source.strip())
    if size <= RATIO_FROM or not answer.strip():
        return None
    ratio = len(answer.strip()) / size
    if MIN_RATIO <= ratio <= MAX_RATIO:
        return None
    return Problem("length", f"length {ratio:.2f}× the source's (allowed {MIN_RATIO}–{MAX_RATIO})")


def _echo(source: str, answer: str) -> Problem | None:
    new = _new(_ECHO, source, answer)
    return Problem("echo", f"reads like an answer to instructions: {new[0]!r}") if new else None


_RULES: tuple[Callable[[str, str], Problem | None], ...] = (
    _html,
    _link,
    _liquid,
    _control,
    _number,
    _empty,
    _length,
    _echo,
)
