"""sitemap.xml is well-formed XML whatever the URLs hold, and says what it was given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from polyfolio.site.sitemap import SitemapEntry, sitemap_xml

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_special_characters_survive_a_round_trip() -> None:
    loc = "https://example.org/a&b/<c>/'d'/\"e\"/"
    alternates = (("el", loc), ("x-default", "https://example.org/?q=1&r=2"))
    root = ET.fromstring(sitemap_xml([SitemapEntry(loc, alternates)]))
    url = root.find("s:url", NS)
    assert url is not None
    assert url.findtext("s:loc", namespaces=NS) == loc
    links = [(a.get("hreflang"), a.get("href")) for a in url.findall("x:link", NS)]
    assert links == list(alternates)
