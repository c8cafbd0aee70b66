"""Pseudo-localization: text that looks translated, so layouts can be tested without an engine.

``"Test <b1>this</b1>"`` → ``"⟦!! Ŧêśŧ <b1>ŧĥîś</b1> ·· !!⟧"``: ASCII letters become accented
look-alikes, a padding of middle dots makes the text about 30 % longer, and markers show where
it starts and ends (truncation shows at a glance).  Placeholder tokens, their order, URLs and
e-mail addresses are untouched.

The markers are ``⟦`` and ``⟧`` (U+27E6, U+27E7), not ASCII brackets: an ASCII ``[`` at the
start would pair with a stray ``]`` in the text (``foo](/x)``) and make a link that the source
does not have.  The blanks inside the markers keep emphasis at the text's edges as it was.
"""

from __future__ import annotations

import math
import re

from polyfolio.translate.placeholders import TEXT_ATOM_RE, TOKEN_RE, text_atoms

_PLAIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ACCENTED = "ÅƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŘŠŦÛṼŴẊÝŽàƀçđêƒĝĥîĵķĺɱñöþǫŕśŧûṽŵẋýž"
_TABLE = str.maketrans(_PLAIN, _ACCENTED)
_OPEN, _CLOSE = "⟦!! ", " !!⟧"
_PAD = "·"
_GROWTH = 0.3


def pseudolocalize(text: str) -> str:
    """``text`` accented, about 30 % longer and bracketed; tokens and URLs as they were."""
    if not text.strip():
        return text
    parts: list[str] = []
    visible = 0
    position = 0
    for match in _protected(text):
        parts.append(text[position : match.start()].translate(_TABLE))
        visible += match.start() - position
        parts.append(match.group())
        position = match.end()
    parts.append(text[position:].translate(_TABLE))
    visible += len(text) - position
    padding = _PAD * max(2, math.ceil(visible * _GROWTH))
    return f"{_OPEN}{''.join(parts)} {padding}{_CLOSE}"


def text_atoms_between(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(TEXT_ATOM_RE.finditer(text, start, end)) if text_atoms(text[start:end]) else []


def _protected(text: str) -> list[re.Match[str]]:
    # Tokens first: a URL pattern must not swallow a token that follows it.
    matches: list[re.Match[str]] = []
    position = 0
    for token in TOKEN_RE.finditer(text):
        matches.extend(text_atoms_between(text, position, token.start()))
        matches.append(token)
        position = token.end()
    matches.extend(text_atoms_between(text, position, len(text)))
    return matches
