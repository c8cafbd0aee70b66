"""Where every page lives: one place decides the URL scheme, everyone else asks it.

The source language sits at the root (unless ``default_lang_at_root`` is false), other languages
under their site code (``/gr/``), items under ``<collection>/<page_id>/``.  ``path`` values are
relative to the output folder; ``url`` values carry the site's baseurl; ``absolute`` adds its url.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from msgspec import Struct

# What quote() leaves as it is (ASCII letters, digits, "_.-~" and "/"), so it can be skipped.
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")


class SiteUrls(Struct, frozen=True):
    baseurl: str
    site_url: str
    source_lang: str
    default_lang_at_root: bool
    collection: str

    def prefix(self, lang: str) -> str:
        """Output-relative folder of a language, '' or 'gr/'."""
        if lang == self.source_lang and self.default_lang_at_root:
            return ""
        return f"{lang}/"

    def home_path(self, lang: str) -> str:
        return f"{self.prefix(lang)}index.html"

    def item_dir(self, lang: str, page_id: str) -> str:
        return f"{self.prefix(lang)}{self.collection}/{page_id}/"

    def item_path(self, lang: str, page_id: str) -> str:
        return f"{self.item_dir(lang, page_id)}index.html"

    def not_found_path(self, lang: str) -> str:
        return f"{self.prefix(lang)}404.html"

    def home(self, lang: str) -> str:
        return self.url(self.prefix(lang))

    def item(self, lang: str, page_id: str) -> str:
        return self.url(self.item_dir(lang, page_id))

    def url(self, path: str) -> str:
        """Site-absolute URL of an output-relative path, percent-encoded, baseurl honoured."""
        # Most paths need no escaping; quote() costs ~1 µs each, thousands of times a build.
        return f"{self.baseurl}/{path if _URL_SAFE.fullmatch(path) else quote(path)}"

    def absolute(self, url: str) -> str:
        return f"{self.site_url}{url}"
