"""Cache keys of views cover every field: a change to any of them changes the key (the keys
are plain tuples built from the field lists, in place of a slow repr)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import pytest
from msgspec.structs import replace

from polyfolio.site.pages import ItemMedia
from polyfolio.site.views import CardView, ImageView, card_key, image_key

IMAGE = ImageView("/a.webp", "alt", 800, 600, "/a-400.webp 400w", "100vw")
CARD = CardView("alpha", "/portfolio/alpha/", "Title", "Sub", IMAGE, "el")
MEDIA = ItemMedia(IMAGE, replace(IMAGE, alt="thumb"))


def _other(value: Any) -> Any:
    if isinstance(value, ImageView):
        return replace(value, srcset=value.srcset + ", /a-800.webp 800w")
    if isinstance(value, int):
        return value + 1
    return f"{value}!"


@pytest.mark.parametrize(
    ("view", "key"),
    [(IMAGE, image_key), (CARD, card_key), (MEDIA, ItemMedia.key)],
    ids=["image", "card", "media"],
)
def test_every_field_changes_the_key(view: Any, key: Callable[[Any], object]) -> None:
    assert key(view) == key(replace(view))
    for name in view.__struct_fields__:
        changed = replace(view, **{name: _other(getattr(view, name))})
        assert key(changed) != key(view), name
        assert key(replace(view, **{name: None})) != key(view), name


def test_keys_are_plain_values() -> None:
    for key in (image_key(IMAGE), card_key(CARD), MEDIA.key()):
        assert ast.literal_eval(repr(key)) == key  # no object reprs inside
