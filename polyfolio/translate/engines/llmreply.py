"""Reading a language model's ``{"translations": [{"id", "text"}]}`` answer, defensively.

Models wrap JSON in code fences, add a sentence before it, stop mid-way at their token limit,
invent ids, skip some and repeat others.  We keep what can be trusted: an item whose id was asked
for, with a text, given once (or always the same).  Everything else is dropped, so those ids count
as failed segments; an answer with nothing usable at all is a retryable :class:`EngineError`.
Complete items before a truncation are kept: a long batch cut short still pays for its start.
"""

from __future__ import annotations

import json
import re
from collections.abc import Set
from typing import Any

from polyfolio.translate.engines.base import EngineError

_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\r?\n?(.*?)(?:```|\Z)", re.DOTALL)
_ARRAY_START = re.compile(r'"translations"\s*:\s*\[')
_BETWEEN_ITEMS = " \t\r\n,"


def parse_translations(content: str, ids: Set[str]) -> dict[str, str]:
    """``id -> text`` for the trustworthy items of ``content`` whose id is in ``ids``."""
    items = _items(_unfenced(content))
    found: dict[str, str] = {}
    conflicting: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        key, text = _id(item.get("id")), item.get("text")
        if key is None or key not in ids or not isinstance(text, str):
            continue
        if key in found and found[key] != text:
            conflicting.add(key)
        found[key] = text
    return {key: text for key, text in found.items() if key not in conflicting}


def _unfenced(content: str) -> str:
    match = _FENCE.search(content)
    return match.group(1) if match else content


def _items(text: str) -> list[Any]:
    start = text.find("{")
    if start >= 0:
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict) and isinstance(value.get("translations"), list):
            return list(value["translations"])
    salvaged = _salvage(text)
    if not salvaged:
        raise EngineError("the answer is not the JSON translations asked for", retryable=True)
    return salvaged


def _salvage(text: str) -> list[Any]:
    """The complete items of a ``"translations": [...]`` array that was cut short."""
    match = _ARRAY_START.search(text)
    if match is None:
        return []
    decoder = json.JSONDecoder()
    items: list[Any] = []
    position = match.end()
    while True:
        while position < len(text) and text[position] in _BETWEEN_ITEMS:
            position += 1
        if position >= len(text) or text[position] == "]":
            return items
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return items
        items.append(item)


def _id(value: object) -> str | None:
    """Models sometimes answer ``"id": 3`` for ``"id": "3"``; both mean the same segment."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value)
    return None
