"""Placeholder tokens: syntax, lenient reading, validation, plain-text protection."""

from __future__ import annotations

import pytest

from polyfolio.translate.placeholders import (
    PlaceholderError,
    placeholder_problems,
    placeholder_tokens,
    protect_plain,
    restore_plain,
    split_protected,
)


def test_tokens_in_order_normalised() -> None:
    text = "A <b1>bold</b1> <X2 /> and <A3>link</a3>"
    assert placeholder_tokens(text) == ["<b1>", "</b1>", "<x2/>", "<a3>", "</a3>"]


def test_split_protected_keeps_text_and_tokens_apart() -> None:
    assert split_protected("x <x1/>y <i2>z</i2>") == [
        (False, "x "),
        (True, "<x1/>"),
        (False, "y "),
        (True, "<i2>"),
        (False, "z"),
        (True, "</i2>"),
    ]


def test_a_lone_angle_bracket_is_text() -> None:
    assert split_protected("a < b > c") == [(False, "a < b > c")]


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        ("<b1>x</b1> <x2/>", []),
        ("<x2/> <b1>x</b1>", []),
        ("<b1>x</b1>", ["missing <x2/>"]),
        ("<b1>x</b1> <x2/> <x2/>", ["repeated <x2/>"]),
        ("<b1>x</b1> <x2/> <x9/>", ["unknown <x9/>"]),
        ("</b1>x<b1> <x2/>", ["</b1> closes out of order"]),
    ],
)
def test_placeholder_problems(answer: str, problems: list[str]) -> None:
    assert placeholder_problems(["<b1>", "</b1>", "<x2/>"], answer) == problems


def test_plain_values_protect_html_liquid_urls_and_lookalikes() -> None:
    value = "Call {{ site.phone }} <br> see https://x.gr/a, &amp; <b1>"
    text, placeholders = protect_plain(value)
    assert text == "Call <x1/> <x2/> see <x3/>, <x4/> <x5/>"
    assert [raw for _, raw in placeholders] == [
        "{{ site.phone }}",
        "<br>",
        "https://x.gr/a",
        "&amp;",
        "<b1>",
    ]
    assert restore_plain(text, placeholders) == value
    assert restore_plain("<x5/><x4/><x3/><x2/><x1/>", placeholders).startswith("<b1>&amp;")


def test_restore_plain_refuses_a_lost_placeholder() -> None:
    _, placeholders = protect_plain("Hello <br> world")
    with pytest.raises(PlaceholderError):
        restore_plain("Hello world", placeholders)
