"""Equivalent sites for Hugo and Jekyll, made from the same generated content.

Each gets what polyfolio builds: a home page per language with the portfolio grid (caption
title, subtitle, thumbnail) and one page per item (title, subtitle, image, alt, body), with
hreflang alternates and a sitemap where the tool makes them.  Used by bench/bench_build.py when
`hugo` / `jekyll` are installed (Debian packages `hugo`, `jekyll`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "Bench clinic"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS"]
[languages.en]
weight = 1
languageCode = "en"
[languages.gr]
weight = 2
languageCode = "el"
[markup.goldmark.renderer]
unsafe = true
"""

HUGO_HEAD = """<!DOCTYPE html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title><link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Site.LanguageCode }}"
href="{{ .Permalink }}">{{ end }}</head><body>
<nav>{{ range .AllTranslations }}<a href="{{ .RelPermalink }}">{{ .Language.Lang }}</a>
{{ end }}</nav>
"""

HUGO_LAYOUTS = {
    "index.html": HUGO_HEAD
    + """<ul class="portfolio-grid">{{ range where .Site.RegularPages "Section" "portfolio" }}
{{ $p := . }}<li><a href="{{ .RelPermalink }}">{{ with .Params.caption.thumbnail }}
<img src="{{ . | relURL }}" alt="{{ $p.Params.alt }}" loading="lazy">{{ end }}
<h3>{{ .Params.caption.title }}</h3></a></li>{{ end }}
</ul></body></html>""",
    "_default/single.html": HUGO_HEAD
    + """<article><h1>{{ .Title }}</h1><p>{{ .Params.subtitle }}</p>
{{ with .Params.image }}
<img src="{{ . | relURL }}" alt="{{ $.Params.alt }}" loading="lazy">{{ end }}
{{ .Content }}</article></body></html>""",
    "_default/list.html": HUGO_HEAD + "</body></html>",
    "404.html": HUGO_HEAD + "Not found</body></html>",
}

# The same site with the image work polyfolio does: 400/800/1200 px WebP variants at quality 80
# in a srcset, made by Hugo's own image processing from the site's assets.
HUGO_IMAGE = """{{ with resources.Get PATH }}{{ $s := .Resize "400x webp q80" }}\
{{ $m := .Resize "800x webp q80" }}{{ $l := .Resize "1200x webp q80" }}\
<img src="{{ $m.RelPermalink }}"
srcset="{{ $s.RelPermalink }} 400w, {{ $m.RelPermalink }} 800w, {{ $l.RelPermalink }} 1200w"
width="{{ $m.Width }}" height="{{ $m.Height }}" alt="{{ ALT }}" loading="lazy">{{ end }}"""

HUGO_IMAGE_LAYOUTS = {
    **HUGO_LAYOUTS,
    "index.html": HUGO_LAYOUTS["index.html"].replace(
        """{{ with .Params.caption.thumbnail }}
<img src="{{ . | relURL }}" alt="{{ $p.Params.alt }}" loading="lazy">{{ end }}""",
        HUGO_IMAGE.replace("PATH", ".Params.caption.thumbnail").replace("ALT", "$p.Params.alt"),
    ),
    "_default/single.html": HUGO_LAYOUTS["_default/single.html"].replace(
        """{{ with .Params.image }}
<img src="{{ . | relURL }}" alt="{{ $.Params.alt }}" loading="lazy">{{ end }}""",
        HUGO_IMAGE.replace("PATH", ".Params.image").replace("ALT", "$.Params.alt"),
    ),
}

JEKYLL_LAYOUT = """\
<!doctype html><html lang="{{ page.lang | default: 'en' }}"><head><meta charset="utf-8">
<title>{{ page.title }}</title></head><body>{{ content }}</body></html>
"""

JEKYLL_ITEM = """\
---
layout: default
---
<article><h1>{{ page.title }}</h1><p>{{ page.subtitle }}</p>
{% if page.image %}<img src="{{ site.baseurl }}/{{ page.image }}" alt="{{ page.alt }}">{% endif %}
{{ content }}</article>
"""

JEKYLL_HOME = """\
---
layout: default
---
<ul class="portfolio-grid">
{% for item in site.portfolio %}{% if item.lang == page.lang %}<li><a href="{{ item.url }}">
{% if item.caption.thumbnail %}<img src="{{ site.baseurl }}/{{ item.caption.thumbnail }}"
alt="{{ item.alt }}" loading="lazy">{% endif %}
<h3>{{ item.caption.title }}</h3><p>{{ item.caption.subtitle }}</p></a></li>{% endif %}
{% endfor %}</ul>
"""


def make_hugo_site(source: Path, dest: Path, *, images: bool = False) -> Path:
    """A Hugo site whose content is the generated site's collection, file for file
    (``x.md`` in en, ``x.gr.md`` in gr, under content/portfolio); ``images``: with responsive
    WebP variants made by Hugo (its cache of them, ``resources/``, is part of a cold build)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source / "_portfolio", dest / "content" / "portfolio")
    if (source / "assets").is_dir():
        shutil.copytree(source / "assets", dest / "static" / "assets")
    if images:
        shutil.copytree(source / "assets", dest / "assets" / "assets")
    (dest / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in (HUGO_IMAGE_LAYOUTS if images else HUGO_LAYOUTS).items():
        path = dest / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def make_jekyll_site(source: Path, dest: Path) -> Path:
    """The generated site itself plus minimal agency-like layouts: a grid home per language
    and one page per item (the collection's `output: true`)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".polyfolio", "_site"))
    config = (dest / "_config.yml").read_text(encoding="utf-8")
    config += "defaults:\n  - scope: {type: portfolio}\n    values: {layout: item}\n"
    (dest / "_config.yml").write_text(config, encoding="utf-8")
    (dest / "_layouts").mkdir()
    (dest / "_layouts" / "default.html").write_text(JEKYLL_LAYOUT, encoding="utf-8")
    (dest / "_layouts" / "item.html").write_text(JEKYLL_ITEM, encoding="utf-8")
    for lang, folder in (("en", dest), ("gr", dest / "gr")):
        folder.mkdir(exist_ok=True)
        home = JEKYLL_HOME.replace("---\n", f"---\nlang: {lang}\n", 1)
        (folder / "index.html").write_text(home, encoding="utf-8")
    return dest


def hugo_command(site: Path, out: Path) -> list[str]:
    return ["hugo", "--quiet", "--source", str(site.resolve()), "--destination", str(out.resolve())]


def jekyll_command(site: Path, out: Path) -> list[str]:
    return [
        "jekyll",
        "build",
        "--quiet",
        "--source",
        str(site.resolve()),
        "--destination",
        str(out.resolve()),
    ]
