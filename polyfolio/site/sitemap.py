"""``sitemap.xml`` with ``xhtml:link`` alternates (the same sets the pages' hreflang links show)
and ``robots.txt`` pointing at it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from msgspec import Struct


class SitemapEntry(Struct, frozen=True):
    loc: str
    alternates: tuple[tuple[str, str], ...]


def sitemap_xml(entries: Sequence[SitemapEntry]) -> str:
    # html.escape, not xml.sax.saxutils: its character references are XML's too, and saxutils
    # pulls in urllib.request, ssl and email (~15 ms).
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for entry in entries:
        lines.append(f"  <url><loc>{escape(entry.loc)}</loc>")
        lines.extend(
            f'    <xhtml:link rel="alternate" hreflang="{escape(lang)}" href="{escape(href)}"/>'
            for lang, href in entry.alternates
        )
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
