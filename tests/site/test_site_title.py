"""The site's name per language: the _config.yml title unless a language overrides it."""

from __future__ import annotations

import re
from pathlib import Path

from polyfolio.site.build import build_site
from tests.site import sites

BRAND = re.compile(r'<a class="brand" href="[^"]*">([^<]*)</a>')


def _brand_and_title(page: Path) -> tuple[str, str]:
    html = page.read_text(encoding="utf-8")
    brand = BRAND.search(html)
    title = re.search(r"<title>([^<]*)</title>", html)
    assert brand and title
    return brand.group(1), title.group(1)


def test_every_language_shows_the_config_title_by_default(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    out = build_site(root, tmp_path / "out").out
    assert _brand_and_title(out / "index.html")[0] == "Mini Clinic"
    assert _brand_and_title(out / "gr" / "index.html")[0] == "Mini Clinic"


def test_a_language_can_name_the_site_in_its_own_words(tmp_path: Path) -> None:
    config = sites.CONFIG.replace(
        "    stale_notice: true\n",
        "    stale_notice: true\n    strings:\n      gr: {site_title: Μικρή Κλινική}\n",
    )
    root = sites.make_site(tmp_path / "site", {"_config.yml": config})
    out = build_site(root, tmp_path / "out").out
    assert _brand_and_title(out / "index.html") == ("Mini Clinic", "Mini Clinic")
    assert _brand_and_title(out / "gr" / "index.html") == ("Μικρή Κλινική", "Μικρή Κλινική")
    item = next((out / "gr" / "portfolio").glob("*/index.html"))
    brand, title = _brand_and_title(item)
    assert brand == "Μικρή Κλινική" and title.endswith(" · Μικρή Κλινική")
