"""Settings, overrides and bad input: each case a small variation of the fixture site."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from polyfolio.cli import main
from polyfolio.site.build import BuildResult, build_site
from tests.shared_data import write_site
from tests.site import sites


def build(
    tmp_path: Path, files: dict[str, str | bytes] | None = None, build_config: str = ""
) -> tuple[Path, BuildResult]:
    root = sites.make_site(tmp_path / "site", files)
    if build_config:
        config = sites.CONFIG.replace("    stale_notice: true\n", build_config)
        write_site(root, {"_config.yml": config})
    out = tmp_path / "out"
    return out, build_site(root, out)


def test_missing_image_is_an_error_at_its_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gamma = sites.BETA_EN.replace("https://cdn.example/beta.jpg", "assets/img/nope.jpg").replace(
        "page_id: beta", "page_id: gamma"
    )
    out, result = build(tmp_path, {"_portfolio/gamma.md": gamma})
    assert [str(d) for d in result.errors] == [
        "_portfolio/gamma.md:4:14: error: image not found: assets/img/nope.jpg",
        "_portfolio/gamma.md:6:8: error: image not found: assets/img/nope.jpg",
    ]
    assert main(["build", str(tmp_path / "site"), "--out", str(out)]) == 1
    assert "_portfolio/gamma.md:6:8: error: image not found" in capsys.readouterr().err


def _decompression_bomb() -> bytes:
    """A small PNG that claims 20,000 × 20,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 20_000, 20_000, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 2_501 * 10)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not a png", "cannot identify image file"), (_decompression_bomb(), "decompression bomb")],
    ids=["not an image", "decompression bomb"],
)
def test_unreadable_image_is_an_error_at_its_value(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    broken = sites.ALPHA_EN.replace("alpha.png", "broken.png").replace(
        "page_id: alpha", "page_id: delta"
    )
    _, result = build(tmp_path, {"_portfolio/delta.md": broken, "assets/img/broken.png": content})
    messages = [str(d) for d in result.errors]
    assert len(messages) == 2
    assert messages[0].startswith("_portfolio/delta.md:5:14: error: cannot read image")
    assert reason in messages[0]


def test_page_id_that_would_leave_the_folder_is_refused(tmp_path: Path) -> None:
    evil = sites.BETA_EN.replace("page_id: beta", "page_id: ../../escape")
    out, result = build(tmp_path, {"_portfolio/evil.md": evil})
    assert "_portfolio/evil.md:8:10: error: page_id '../../escape' cannot be used in a URL" in [
        str(d).split(";")[0] for d in result.errors
    ]
    assert not list(tmp_path.rglob("escape*"))
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_templates_and_static_files_can_be_overridden(tmp_path: Path) -> None:
    out, result = build(
        tmp_path,
        {
            "_polyfolio/templates/item_content.html": (
                '<div class="mine"><{{ heading }} class="item-title">'
                "{{ item.title }}</{{ heading }}></div>\n"
            ),
            "_polyfolio/static/polyfolio.css": "body { color: rebeccapurple; }\n",
        },
    )
    assert result.ok
    assert (
        '<div class="mine"><h1 class="item-title">Alpha treatment</h1></div>\n</article>'
        in (out / "portfolio/alpha/index.html").read_text()
    )
    assert "rebeccapurple" in (out / "assets/polyfolio/polyfolio.css").read_text()
    assert 'class="portfolio-grid"' in (out / "index.html").read_text()  # the rest is built in


def test_override_of_the_retired_fragment_template_is_warned(tmp_path: Path) -> None:
    fragment = '<article class="mine"><h2 id="item-dialog-title">{{ item.title }}</h2></article>\n'
    out, result = build(tmp_path, {"_polyfolio/templates/fragment.html": fragment})
    assert result.ok
    assert [str(d) for d in result.diagnostics if "fragment" in str(d)] == [
        "_polyfolio/templates/fragment.html:1:1: warning: fragment.html is no longer used: "
        "the dialog shows the item page's <article>; move changes to item.html or "
        "item_content.html"
    ]
    assert not list(out.rglob("fragment.html"))
    assert 'class="mine"' not in (out / "portfolio/alpha/index.html").read_text()


def test_missing_translation_hidden_when_configured(tmp_path: Path) -> None:
    out, result = build(tmp_path, build_config="    missing: hide\n")
    assert result.ok
    assert not (out / "gr/portfolio/beta").exists()
    assert 'id="card-beta"' not in (out / "gr/index.html").read_text()
    switcher = (out / "portfolio/beta/index.html").read_text()
    assert '<a hreflang="el" lang="el" href="/gr/">Ελληνικά</a>' in switcher


def test_raw_html_can_be_turned_off(tmp_path: Path) -> None:
    raw = sites.BETA_EN.replace("Only in English.", "<b>bold</b>").replace(
        "page_id: beta", "page_id: raw"
    )
    out, _ = build(tmp_path, {"_portfolio/raw.md": raw}, "    raw_html: false\n")
    assert "<p>&lt;b&gt;bold&lt;/b&gt;</p>" in (out / "portfolio/raw/index.html").read_text()


def test_source_language_can_have_its_own_folder(tmp_path: Path) -> None:
    out, _ = build(tmp_path, build_config="    default_lang_at_root: false\n")
    assert (out / "en/index.html").is_file()
    assert (out / "en/portfolio/alpha/index.html").is_file()
    root_page = (out / "index.html").read_text()  # sends visitors to the source language
    assert '<meta http-equiv="refresh" content="0; url=/en/">' in root_page
    assert '<link rel="canonical" href="https://clinic.example/en/">' in root_page


def test_baseurl_is_honoured_everywhere(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    write_site(root, {"_config.yml": sites.CONFIG.replace('baseurl: ""', "baseurl: /clinic")})
    out = tmp_path / "out"
    assert build_site(root, out).ok
    for page in sites.html_pages(out):
        for url in sites.parse_page(page).urls:
            local = url.removeprefix(sites.SITE_URL)
            if local.startswith("/"):
                assert local.startswith("/clinic/"), f"{page}: {url}"


def test_interface_strings_can_be_overridden(tmp_path: Path) -> None:
    out, _ = build(tmp_path, build_config="    strings:\n      gr:\n        close: Κλείσε\n")
    assert 'aria-label="Κλείσε"' in (out / "gr/index.html").read_text()


def test_invalid_setting_is_reported_at_its_place(tmp_path: Path) -> None:
    out, result = build(tmp_path, build_config="    missing: maybe\n")
    assert [str(d) for d in result.diagnostics] == [
        "_config.yml:8:14: error: polyfolio.build.missing must be 'fallback' or 'hide'"
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "<div>\n{{ item.nonexistent }}\n</div>\n",
            "_polyfolio/templates/item_content.html:2:1: error: template error: "
            "'polyfolio.site.views.ItemView object' has no attribute 'nonexistent'",
        ),
        (
            "<div>\n{% if %}\n</div>\n",
            "_polyfolio/templates/item_content.html:2:1: error: template error: "
            "Expected an expression, got 'end of statement block'",
        ),
    ],
)
def test_broken_template_override_is_an_error_at_its_line(
    tmp_path: Path, template: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, result = build(tmp_path, {"_polyfolio/templates/item_content.html": template})
    assert [str(d) for d in result.errors] == [expected]
    assert main(["build", str(tmp_path / "site"), "--out", str(tmp_path / "out")]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_item_in_a_language_the_site_does_not_build_is_warned(tmp_path: Path) -> None:
    french = sites.BETA_EN.replace("page_id: beta", "page_id: beta\nlang: fr")
    out, result = build(tmp_path, {"_portfolio/fr/beta.md": french})
    assert (
        "_portfolio/fr/beta.md:9:7: warning: language 'fr' is not one of the site's languages "
        "(en, gr); not built" in [str(d) for d in result.diagnostics]
    )
    assert not (out / "fr").exists()


def test_cli_build_prints_warnings_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sites.make_site(tmp_path / "site")
    assert main(["build", str(root)]) == 0
    captured = capsys.readouterr()
    assert "_portfolio/gr/alpha.md:20:4: warning: Liquid not rendered" in captured.err
    assert re.match(
        r"built 8 pages, 1 images \(0 reused\), \d+ files written, 0 unchanged, 0 removed in "
        r"(\d+\.\d\ds|\d+ms) -> .*_site\n$",
        captured.out,
    )
    assert (root / "_site" / "index.html").is_file()


def test_translation_without_a_source_falls_back_the_other_way(tmp_path: Path) -> None:
    greek_only = sites.ALPHA_GR.replace("page_id: alpha", "page_id: omega").replace(
        "source_hash: 00000000000000000000000000000000\n", ""
    )
    out, result = build(tmp_path, {"_portfolio/gr/omega.md": greek_only})
    assert result.ok
    english = (out / "portfolio/omega/index.html").read_text()
    assert '<div class="item-content" lang="el">' in english
    assert '<link rel="canonical" href="https://clinic.example/gr/portfolio/omega/">' in english
    greek = sites.parse_page(out / "gr/portfolio/omega/index.html")
    assert greek.alternates == {
        "el": "https://clinic.example/gr/portfolio/omega/",
        "x-default": "https://clinic.example/gr/portfolio/omega/",
    }
