"""Placeholder tokens: the inline markup an engine must hand back untouched.

A segment's engine-facing text is plain text with XML-like tokens in place of markup, so that
DeepL's XML tag handling and LLMs keep them:

* ``<x3/>`` — an atom: a code span, an inline HTML tag, an autolink, an entity or escape,
  Liquid (``{{ }}``, ``{% %}``), a kramdown attribute list, a URL, an e-mail address.  The
  engine keeps it as is, wherever the sentence needs it.
* ``<b1>…</b1>`` strong, ``<i2>…</i2>`` emphasis, ``<a3>…</a3>`` link text, ``<m4>…</m4>`` image
  alt text — pairs around text that is itself translated.  The markup (``**``, ``*``,
  ``[``/``](url)``, ``![``/``](src)``) is restored around whatever the engine put inside.

Numbers run from 1 in order of appearance within one segment; a pair shares one number.  Reading
is lenient where engines are sloppy (``<X3 />``, upper case) and tokens come back normalised.
Source text that itself looks like a token never reaches an engine as text: it becomes an atom,
so a token in an answer always means a placeholder.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from msgspec import Struct

Placeholders = tuple[tuple[str, str], ...]

TOKEN_RE = re.compile(
    r"<(?:(?P<open>[abim])(?P<open_n>[0-9]+)|/(?P<close>[abim])(?P<close_n>[0-9]+)"
    r"|x(?P<atom_n>[0-9]+)\s*/)>",
    re.IGNORECASE,
)

PAIR_LETTERS = {"strong": "b", "em": "i", "link": "a", "image": "m"}

# Protected inside any text: things an engine must not translate or break.
_URL = r"(?:[a-z][a-z0-9+.-]{1,20}://|www\.)[^\s<>]*[^\s<>.,;:!?'\")\]]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_LIQUID = r"\{\{.*?\}\}|\{%.*?%\}"
_IAL = r"\{:[^{}\n]*\}|\{#[\w:-]+\}"
TEXT_ATOM_RE = re.compile(rf"{TOKEN_RE.pattern}|{_URL}|{_EMAIL}", re.IGNORECASE)
# Every TEXT_ATOM_RE match contains one of these; most text has none (the regex is slow).
_TEXT_ATOM_HINTS = ("<", "@", "://")
# Liquid and kramdown attribute lists are found over a whole run (they may hold markup).
REGION_RE = re.compile(rf"{_LIQUID}|{_IAL}", re.DOTALL)
LIQUID_RE = re.compile(_LIQUID, re.DOTALL)
# Front matter values are plain text, not Markdown: protect HTML and entities there too.
_HTML_TAG = r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->"
_ENTITY = r"&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});"
PLAIN_ATOM_RE = re.compile(
    rf"{_LIQUID}|{_IAL}|{TOKEN_RE.pattern}|{_HTML_TAG}|{_ENTITY}|{_URL}|{_EMAIL}",
    re.IGNORECASE | re.DOTALL,
)


def text_atoms(text: str) -> list[re.Match[str]]:
    """Tokens, URLs and e-mail addresses in ``text``, in order."""
    if not any(hint in text for hint in _TEXT_ATOM_HINTS) and "www." not in text.lower():
        return []
    return list(TEXT_ATOM_RE.finditer(text))


class PlaceholderError(ValueError):
    """A translation lacks, duplicates, invents or misnests placeholder tokens."""


class Token(Struct, frozen=True):
    role: Literal["open", "close", "atom"]
    name: str  # "b1", "x3": what an open and its close share

    @property
    def text(self) -> str:
        if self.role == "atom":
            return f"<{self.name}/>"
        return f"<{self.name}>" if self.role == "open" else f"</{self.name}>"


def parse_token(match: re.Match[str]) -> Token:
    if match.group("open"):
        return Token("open", f"{match.group('open').lower()}{int(match.group('open_n'))}")
    if match.group("close"):
        return Token("close", f"{match.group('close').lower()}{int(match.group('close_n'))}")
    return Token("atom", f"x{int(match.group('atom_n'))}")


def atom(number: int) -> str:
    return f"<x{number}/>"


def pair(kind: str, number: int) -> tuple[str, str]:
    letter = PAIR_LETTERS[kind]
    return f"<{letter}{number}>", f"</{letter}{number}>"


def placeholder_tokens(text: str) -> list[str]:
    """The tokens present in ``text``, normalised, in order."""
    return [parse_token(match).text for match in TOKEN_RE.finditer(text)]


def split_protected(text: str) -> list[tuple[bool, str]]:
    """``text`` as ``(is_placeholder, piece)``; placeholder pieces are normalised tokens."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in TOKEN_RE.finditer(text):
        if match.start() > position:
            pieces.append((False, text[position : match.start()]))
        pieces.append((True, parse_token(match).text))
        position = match.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def text_only(text: str) -> str:
    """``text`` without its tokens: what a reader sees of it, markup aside."""
    return TOKEN_RE.sub("", text)


def placeholder_problems(expected: Sequence[str], text: str) -> list[str]:
    """Why the tokens in ``text`` cannot stand for ``expected`` (source order), or ``[]``."""
    found = placeholder_tokens(text)
    counts = Counter(found)
    problems: list[str] = []
    wanted = set(expected)
    missing = [token for token in expected if token not in counts]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    extra = sorted(t for t in counts if t not in wanted)
    if extra:
        problems.append(f"unknown {', '.join(extra)}")
    duplicated = sorted(t for t, n in counts.items() if t in wanted and n > 1)
    if duplicated:
        problems.append(f"repeated {', '.join(duplicated)}")
    if not problems:
        problems.extend(_nesting_problems(found))
    return problems


def _nesting_problems(tokens: Iterable[str]) -> list[str]:
    stack: list[str] = []
    for text in tokens:
        match = TOKEN_RE.fullmatch(text)
        if match is None:  # pragma: no cover - tokens come from TOKEN_RE
            continue
        token = parse_token(match)
        if token.role == "open":
            stack.append(token.name)
        elif token.role == "close":
            if not stack or stack[-1] != token.name:
                return [f"{token.text} closes out of order"]
            stack.pop()
    return [f"<{stack[-1]}> is never closed"] if stack else []


def protect_plain(value: str) -> tuple[str, Placeholders]:
    """A plain-text value (front matter) in placeholder form: HTML, Liquid, URLs… become atoms."""
    parts: list[str] = []
    placeholders: list[tuple[str, str]] = []
    position = 0
    for match in PLAIN_ATOM_RE.finditer(value):
        parts.append(value[position : match.start()])
        token = atom(len(placeholders) + 1)
        placeholders.append((token, match.group()))
        parts.append(token)
        position = match.end()
    parts.append(value[position:])
    return "".join(parts), tuple(placeholders)


def restore_plain(text: str, placeholders: Placeholders) -> str:
    """Put the originals back for the tokens in ``text``; raise if any is missing or repeated."""
    problems = placeholder_problems([token for token, _ in placeholders], text)
    if problems:
        raise PlaceholderError("; ".join(problems))
    originals = dict(placeholders)
    return "".join(
        originals[piece] if is_token else piece for is_token, piece in split_protected(text)
    )
