"""A small bilingual fixture site, written into a temporary folder by the tests that use it,
and helpers that read a built site back (links, hreflang sets, sitemap)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree

from PIL import Image

from tests.shared_data import write_site

SITE_URL = "https://clinic.example"

CONFIG = """\
title: Mini Clinic
description: A fixture site.
url: "https://clinic.example"
baseurl: ""
polyfolio:
  languages: [en, gr]
  build:
    stale_notice: true
"""

ALPHA_EN = """\
---
caption:
  title: Alpha card
  subtitle: Alpha sub
  thumbnail: assets/img/alpha.png
title: Alpha treatment
subtitle: Alpha detail
image: assets/img/alpha.png
alt: An alpha image
page_id: alpha
---
{:.list-inline}
- Date: 2024
- Client: Someone

See [the images]({{ site.baseurl }}/assets/img/alpha.png)
and {{ "portfolio/beta/" | relative_url }}.
"""

ALPHA_GR = """\
---
caption:
  title: Άλφα κάρτα
  subtitle: Άλφα
  thumbnail: assets/img/alpha.png
title: Θεραπεία Άλφα
subtitle: Λεπτομέρεια
image: assets/img/alpha.png
alt: Μια εικόνα άλφα
lang: gr
page_id: alpha
source_hash: 00000000000000000000000000000000
---
## Πώς λειτουργεί;

Κείμενο.

## Πώς λειτουργεί;

{% highlight ruby %}
x = 1
{% endhighlight %}
"""

BETA_EN = """\
---
caption:
  title: Beta <script>alert(1)</script>
  thumbnail: https://cdn.example/beta.jpg
title: Beta <script>alert(1)</script>
image: https://cdn.example/beta.jpg
alt: Beta
page_id: beta
---
Only in English.
"""

SITETEXT = """\
en:
  portfolio:
    title: Treatments
    text: Pick one.
gr:
  portfolio:
    title: Θεραπείες
"""


def make_site(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    files: dict[str, str | bytes] = {
        "_config.yml": CONFIG,
        "_data/sitetext.yml": SITETEXT,
        "_portfolio/alpha.md": ALPHA_EN,
        "_portfolio/gr/alpha.md": ALPHA_GR,
        "_portfolio/beta.md": BETA_EN,
        **(extra or {}),
    }
    write_site(root, files)
    image = Image.new("RGB", (1000, 750), (40, 120, 130))
    (root / "assets" / "img").mkdir(parents=True, exist_ok=True)
    image.save(root / "assets" / "img" / "alpha.png")
    return root


class PageLinks(HTMLParser):
    """Every URL a page refers to, plus its lang, alternates and canonical."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.alternates: dict[str, str] = {}
        self.canonical: str | None = None
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = values.get("lang")
        if tag == "link" and values.get("rel") == "alternate":
            self.alternates[values["hreflang"]] = values["href"]
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values["href"]
        for name in ("href", "src"):
            if name in values:
                self.urls.append(values[name])
        if "srcset" in values:
            self.urls.extend(part.strip().split(" ")[0] for part in values["srcset"].split(","))


def parse_page(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text("utf-8"))
    return parser


def target_file(out: Path, url: str, page: Path) -> Path | None:
    """The output file an internal URL points at (None for external ones)."""
    if url.startswith(SITE_URL):
        url = url[len(SITE_URL) :] or "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "#")):
        return None
    path = unquote(parts.path)
    base = out if path.startswith("/") else page.parent
    target = base / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def sitemap_alternates(out: Path) -> dict[str, dict[str, str]]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ElementTree.parse(out / "sitemap.xml")
    found: dict[str, dict[str, str]] = {}
    for url in tree.getroot().findall("s:url", ns):
        loc = url.findtext("s:loc", namespaces=ns) or ""
        found[loc] = {
            link.get("hreflang", ""): link.get("href", "") for link in url.findall("x:link", ns)
        }
    return found


def page_url(out: Path, page: Path) -> str:
    rel = page.relative_to(out).as_posix()
    return SITE_URL + "/" + quote(re.sub(r"index\.html$", "", rel))
