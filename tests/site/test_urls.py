"""Site URLs: percent-encoding skipped only where it would change nothing."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from polyfolio.site.urls import SiteUrls

URLS = SiteUrls("/base", "https://x.example", "en", True, "portfolio")


@given(st.text())
def test_url_is_the_quoted_path_under_the_baseurl(path: str) -> None:
    assert URLS.url(path) == f"/base/{quote(path)}"


def test_paths_that_need_escaping_are_escaped() -> None:
    assert (
        URLS.item("gr", "θεραπεία a?b")
        == "/base/gr/portfolio/%CE%B8%CE%B5%CF%81%CE%B1%CF%80%CE%B5%CE%AF%CE%B1%20a%3Fb/"
    )
    assert URLS.item("en", "plain-id_1.2~x") == "/base/portfolio/plain-id_1.2~x/"
