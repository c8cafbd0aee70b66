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
defaultContentLanguageInSubdir = false
disableKinds = ["taxonomy", "term", "RSS"]
[languages]
  [languages.en]
    weight = 1
    languageCode = "en"
  [languages.gr]
    weight = 2
    languageCode = "el"
"""

HUGO_BASEOF = """\
<!doctype html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Site.LanguageCode }}" \
href="{{ .Permalink }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}"></head>
<body>{{ block "main" . }}{{ end }}</body></html>
"""

HUGO_HOME = """\
{{ define "main" }}<ul class="portfolio-grid">
{{ range where .Site.RegularPages "Section" "portfolio" }}<li><a href="{{ .RelPermalink }}">
<img src="/{{ .Params.caption.thumbnail }}" alt="{{ .Params.alt }}" loading="lazy">
<h3>{{ .Params.caption.title }}</h3><p>{{ .Params.caption.subtitle }}</p></a></li>
{{ end }}</ul>{{ end }}
"""

HUGO_SINGLE = """\
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.subtitle }}</p>
<img src="/{{ .Params.image }}" alt="{{ .Params.alt }}">{{ .Content }}</article>{{ end }}
"""

JEKYLL_LAYOUT = """\
<!doctype html><html lang="{{ page.lang | default: 'en' }}"><head><meta charset="utf-8">
<title>{{ page.title }}</title></head><body>{{ content }}</body></html>
"""

JEKYLL_ITEM = """\
---
layout: default
---
<article><h1>{{ page.title }}</h1><p>{{ page.subtitle }}</p>
<img src="{{ site.baseurl }}/{{ page.image }}" alt="{{ page.alt }}">{{ content }}</article>
"""

JEKYLL_HOME = """\
---
layout: default
---
<ul class="portfolio-grid">
{% for item in site.portfolio %}{% if item.lang == page.lang %}<li><a href="{{ item.url }}">
<img src="{{ site.baseurl }}/{{ item.caption.thumbnail }}" alt="{{ item.alt }}" loading="lazy">
<h3>{{ item.caption.title }}</h3><p>{{ item.caption.subtitle }}</p></a></li>{% endif %}
{% endfor %}</ul>
"""


def make_hugo_site(source: Path, dest: Path) -> Path:
    """A Hugo site whose content is the generated site's collection, file for file."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source / "_portfolio", dest / "content" / "portfolio")
    shutil.copytree(source / "assets", dest / "static" / "assets")
    (dest / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = dest / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (layouts / "_default" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "index.html").write_text(HUGO_HOME, encoding="utf-8")
    (layouts / "404.html").write_text('{{ define "main" }}Not found{{ end }}', encoding="utf-8")
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
    (dest / "index.html").write_text(JEKYLL_HOME.replace("---\n", "---\nlang: en\n", 1))
    (dest / "gr").mkdir()
    (dest / "gr" / "index.html").write_text(JEKYLL_HOME.replace("---\n", "---\nlang: gr\n", 1))
    return dest


def hugo_command(site: Path, out: Path) -> list[str]:
    return ["hugo", "--quiet", "--source", str(site), "--destination", str(out)]


def jekyll_command(site: Path, out: Path) -> list[str]:
    return ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(out)]
