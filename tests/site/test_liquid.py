"""Liquid in bodies: what renders, and what is kept as text with a warning at its place."""

from __future__ import annotations

import pytest

from polyfolio.site.liquid import LiquidRenderer

SITE = {"baseurl": "/clinic", "url": "https://clinic.example", "title": "Clinic"}
PAGE = {"title": "Botox <b>", "lang": "gr"}

RENDERED = [
    ("{{ site.baseurl }}/assets/x.png", "/clinic/assets/x.png"),
    ('{{ "assets/x.png" | relative_url }}', "/clinic/assets/x.png"),
    ('{{ "/assets/x.png" | absolute_url }}', "https://clinic.example/clinic/assets/x.png"),
    ('{{ "https://cdn.example/x.png" | relative_url }}', "https://cdn.example/x.png"),
    ("{{ page.title }} in {{ page.lang }}", "Botox <b> in gr"),
    ("{% if site.title %}yes{% endif %}", "yes"),
    ("{% raw %}{{ kept }}{% endraw %}", "{{ kept }}"),
    ("no liquid here {not}", "no liquid here {not}"),
]

# (body, line, col, message) with the body starting on line 10 of the file.
WARNED = [
    ("a\n{% include carousel.html %}", 11, 12, "'carousel' is undefined"),
    ("{% highlight ruby %}x{% endhighlight %}", 10, 4, "unexpected tag 'highlight'"),
    ("{{ page.missing }}", 10, 4, "page.missing is undefined"),
    ("an unclosed {{", 10, 13, "expected '}}', found end of file"),
    ("x {{ 'a' | jsonify }}", 10, 12, "unknown filter 'jsonify'"),
    ("{% for i in (1..10000000) %}{% endfor %}", 10, 4, "loop iteration limit reached"),
]


@pytest.mark.parametrize(("body", "expected"), RENDERED)
def test_rendered(body: str, expected: str) -> None:
    assert LiquidRenderer(SITE).render(body, PAGE, "_portfolio/x.md", 10) == (expected, [])


@pytest.mark.parametrize(("body", "line", "col", "message"), WARNED)
def test_unknown_liquid_is_kept_with_a_warning(
    body: str, line: int, col: int, message: str
) -> None:
    text, problems = LiquidRenderer(SITE).render(body, PAGE, "_portfolio/x.md", 10)
    assert text == body
    assert [str(p) for p in problems] == [
        f"_portfolio/x.md:{line}:{col}: warning: Liquid not rendered, text kept: {message}"
    ]
