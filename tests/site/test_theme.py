"""The theme serves everything itself (no CDN, no font host) and keeps its accessibility basics."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from polyfolio.diagnostics import ContentError
from polyfolio.site.theme import BUILT_IN_STATIC, BUILT_IN_TEMPLATES, TEMPLATE_CACHE, Theme
from tests.shared_data import write_site

THEME_FILES = sorted([*BUILT_IN_TEMPLATES.iterdir(), *BUILT_IN_STATIC.iterdir()])


def test_theme_refers_to_nothing_outside_the_site() -> None:
    for path in THEME_FILES:
        text = path.read_text("utf-8")
        urls = re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text)
        allowed = [u for u in urls if u.startswith("http://www.w3.org/")]  # SVG namespace
        assert urls == allowed, f"{path.name} refers to {urls}"
        assert "@import" not in text and "fonts.googleapis" not in text


def test_stylesheet_respects_reduced_motion_and_shows_focus() -> None:
    css = (BUILT_IN_STATIC / "polyfolio.css").read_text("utf-8")
    assert "@media (prefers-reduced-motion: reduce)" in css
    assert re.search(r":focus-visible\s*\{[^}]*outline: 3px solid", css)
    assert "font-family: var(--font)" in css and "system-ui" in css


def test_script_is_small_vanilla_and_deferred() -> None:
    js = (BUILT_IN_STATIC / "polyfolio.js").read_text("utf-8")
    assert len(js.encode()) < 8_000
    assert "import " not in js and "require(" not in js
    base = (BUILT_IN_TEMPLATES / "base.html").read_text("utf-8")
    assert re.search(r'<script src="\{\{ page\.js_url \}\}" defer></script>', base)


def test_every_template_escapes_by_default() -> None:
    for path in BUILT_IN_TEMPLATES.iterdir():
        text = path.read_text("utf-8")
        # Only the rendered body (the author's own Markdown) may be marked safe.
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, path.name


def test_compiled_templates_are_kept_per_theme_version(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(site, {"_polyfolio/templates/image.html": '<img alt="{{ alt }}">\n'})
    stale = site / TEMPLATE_CACHE / "0123456789abcdef-old.cache"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an earlier version's")
    theme = Theme(site)
    assert theme.render("image.html", alt="a") == '<img alt="a">\n'
    kept = sorted(p.name for p in (site / TEMPLATE_CACHE).iterdir())
    assert len(kept) == 1 and kept[0].startswith(theme.version[:16])
    write_site(site, {"_polyfolio/templates/image.html": '<img alt="{{ alt }}!">\n'})
    assert Theme(site).render("image.html", alt="a") == '<img alt="a!">\n'  # a new theme version


def test_load_all_compiles_every_template_once_for_forked_workers(tmp_path: Path) -> None:
    """After ``load_all`` no template is read again: a forked worker finds them all loaded."""
    theme = Theme(tmp_path)
    theme.load_all()
    loader = theme.env.loader
    assert loader is not None

    def no_more_reading(*args: object) -> None:
        raise AssertionError("a template was read after load_all")

    loader.get_source = no_more_reading  # type: ignore[method-assign]
    for path in sorted(BUILT_IN_TEMPLATES.glob("*.html")):
        theme.env.get_template(path.name)


def test_load_all_reports_a_broken_override_at_its_line(tmp_path: Path) -> None:
    write_site(tmp_path, {"_polyfolio/templates/image.html": "<img>\n{% if %}\n"})
    with pytest.raises(ContentError) as raised:
        Theme(tmp_path).load_all()
    location = raised.value.diagnostic.location
    assert (location.path, location.line) == ("_polyfolio/templates/image.html", 2)
    assert "template error" in raised.value.diagnostic.message


def test_an_error_in_an_overrides_own_code_is_reported_at_its_line(tmp_path: Path) -> None:
    """Found by review: ``{{ 1 // 0 }}`` (or a filter given the wrong type) was an internal
    error, with no file or line."""
    write_site(
        tmp_path,
        {
            "_polyfolio/templates/image.html": "<img>\n{{ 1 // 0 }}\n",
            "_polyfolio/templates/parts/list.html": "<ul>\n\n{{ 5 | join }}\n",
        },
    )
    theme = Theme(tmp_path)
    for name, line, error in (
        ("image.html", 2, "ZeroDivisionError"),
        ("parts/list.html", 3, "TypeError"),
    ):
        with pytest.raises(ContentError) as raised:
            theme.render(name)
        location = raised.value.diagnostic.location
        assert (location.path, location.line) == (f"_polyfolio/templates/{name}", line)
        assert raised.value.diagnostic.message.startswith(f"template error: {error}: ")


class _Broken:
    @property
    def boom(self) -> str:
        raise RuntimeError("a bug of ours")


def test_a_failure_in_polyfolios_own_code_stays_an_internal_error(tmp_path: Path) -> None:
    write_site(tmp_path, {"_polyfolio/templates/image.html": "<img alt='{{ thing.boom }}'>\n"})
    with pytest.raises(RuntimeError, match="a bug of ours"):
        Theme(tmp_path).render("image.html", thing=_Broken())


@pytest.mark.parametrize("included", [True, False], ids=["included, rendered", "compiled ahead"])
def test_a_template_saved_in_another_encoding_is_reported_where_it_stops_being_utf8(
    tmp_path: Path, included: bool
) -> None:
    """Found by review: a Greek override saved as Windows-1253 was an internal error."""
    folder = tmp_path / "_polyfolio" / "templates"
    name = "parts/note.html" if included else "404.html"
    (folder / name).parent.mkdir(parents=True)
    (folder / name).write_bytes("<p>\n<b>Σημείωση</b>: Όλα\n".encode("cp1253"))
    (folder / "image.html").write_text('{% include "parts/note.html" %}\n', "utf-8")
    theme = Theme(tmp_path)
    with pytest.raises(ContentError) as raised:
        theme.render("image.html") if included else theme.load_all()
    diagnostic = raised.value.diagnostic
    assert str(diagnostic.location) == f"_polyfolio/templates/{name}:2:4"
    assert diagnostic.message == "template is not UTF-8 text: save it as UTF-8"
