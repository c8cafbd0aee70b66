"""Markdown bodies to HTML: CommonMark + GFM tables + kramdown attribute lists + heading ids.

The engine is pulldown-cmark (through ``pyromark``): one native call turns a body into HTML,
~40× faster than markdown-it-py (~13× with the passes below, ``bench/bench_markdown.py``).  It
cannot run Python plugins, so our features are small passes over its output, in this order:

1. ``raw_html=False``: before rendering, the ``<`` of every piece of the author's HTML (found by
   the engine's own parse) becomes ``&lt;``, so it is shown as text, as if HTML were not part of
   Markdown.
2. kramdown block attribute lists (``{:.list-inline}``, ``{: #id .a key="v"}``), which the agency
   theme puts above its detail lists.
3. Heading ids that keep Unicode letters, so Greek headings get readable, unique ids.
4. Relative ``src``/``href`` URLs made root-relative (``site_root``).

Regexes are safe here because in the engine's output every ``<`` of text or code is escaped:
each ``<letter`` starts a real tag, made by the engine or by the author's raw HTML (which is
trusted: it is the author's own Markdown).  Tags are matched whole with the CommonMark tag
grammar (quoted attribute values may hold ``>``), and only tags are ever rewritten.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pyromark
from markupsafe import escape

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH

_IAL_LINE = re.compile(r"^\{:(?!\w+:)([^}]*)\}[ \t]*$")
_IAL_PART = re.compile(r"""\.([\w-]+)|#([\w-]+)|([\w-]+)=("[^"]*"|'[^']*'|[^\s"']+)""")
_NOT_SLUG = re.compile(r"[^\w\s-]+")
_SPACES = re.compile(r"[\s-]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# The CommonMark 0.31.2 grammar of raw HTML; possessive, so a malformed tag fails fast.
_ATTR = r"""\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_OPEN_TAG = re.compile(rf"<(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:{_ATTR})*+)(?P<end>\s*/?>)")
_OTHER_HTML = (
    r"<!-->|<!--->|<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>"
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>"
)
_ANY_TAG = re.compile(rf"(?P<other>{_OTHER_HTML})|{_OPEN_TAG.pattern}", re.DOTALL)
# A comment (kept whole, so nothing in it is rewritten), or an open tag with an src or href
# attribute; both begin with "<", which the search skips to.
_URL_TAG = re.compile(
    rf"""<(?:!-->|!--->|!--.*?-->|[A-Za-z][A-Za-z0-9-]*(?:{_ATTR})*?"""
    rf"""\s+(?i:src|href)\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*")(?:{_ATTR})*+\s*/?>)""",
    re.DOTALL,
)
_ATTR_PART = re.compile(
    r"""\s+(?P<name>[A-Za-z_:][A-Za-z0-9_.:-]*)"""
    r"""(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+)))?"""
)

# An IAL ending a paragraph (or a tight list item, whose paragraph has no tag).  It starts with
# its literal ``{:`` so the search skips ahead quickly; what comes before is checked after.
_IAL_ENDING = re.compile(r"(?P<ial>\{:[^}<\n]*\})[ \t]*(?:(?P<close></p>\n?)|(?P<item></li>))")
_HEADING = re.compile(
    rf"<(?P<tag>[hH][1-6])(?P<attrs>(?:{_ATTR})*+)\s*>(?P<inner>.*?)</(?P=tag)\s*>", re.DOTALL
)
_BACKSLASHES_LT = re.compile(rb"(\\*)<")


class MarkdownRenderer:
    """Renders bodies; safe to reuse for many bodies (each call keeps its own state).

    ``site_root`` (the baseurl plus ``/``), when given, is put in front of relative link and
    image URLs: agency-theme bodies write ``assets/img/x.png`` meaning the site's root, because
    the theme shows them on the home page; our item pages live deeper, so those URLs are made
    root-relative (in raw HTML ``src``/``href`` too).
    """

    def __init__(self, raw_html: bool = True, site_root: str | None = None) -> None:
        self._engine = pyromark.Markdown(options=_OPTIONS)
        self._raw_html = raw_html
        self._site_root = None if site_root is None else str(escape(site_root))

    def render(self, text: str) -> str:
        if not text.endswith("\n"):  # as cmark does: a last code line keeps its line ending
            text += "\n"
        if not self._raw_html and "<" in text:
            text = self._html_as_text(text)
        out = self._engine.html(text)
        if "{:" in out:
            out = apply_ials(out)
        out = add_heading_ids(out)
        if self._site_root is not None:
            out = root_relative_urls(out, self._site_root)
        return out

    def _html_as_text(self, text: str) -> str:
        """``text`` with the ``<`` of each piece of raw HTML escaped.  Repeated until the engine
        finds no HTML: escaping one tag can change how what follows it parses (a backtick in an
        attribute value may now open a code span that ends before a tag it used to hide)."""
        while True:
            ranges = [
                (span["start"], span["end"])
                for event, span in self._engine.events_with_range(text)
                if isinstance(event, dict) and ("Html" in event or "InlineHtml" in event)
            ]
            if not ranges:
                return text
            text = _escape_lt_in(text.encode(), ranges).decode()


def _escape_lt_in(source: bytes, ranges: list[tuple[int, int]]) -> bytes:
    """Each ``<`` inside ``ranges`` as ``&lt;``, except one already escaped by a backslash."""

    def escape_lt(match: re.Match[bytes]) -> bytes:
        backslashes = match[1]
        return match[0] if len(backslashes) % 2 else backslashes + b"&lt;"

    pieces: list[bytes] = []
    done = 0
    for start, end in sorted(set(ranges)):
        start = max(start, done)
        pieces += [source[done:start], _BACKSLASHES_LT.sub(escape_lt, source[start:end])]
        done = max(done, end)
    pieces.append(source[done:])
    return b"".join(pieces)


def slugify(title: str) -> str:
    """A heading id that keeps letters of any script: 'Πώς λειτουργεί;' → 'πώς-λειτουργεί'."""
    text = unicodedata.normalize("NFC", title).strip().lower()
    slug = _SPACES.sub("-", _NOT_SLUG.sub("", text)).strip("-")
    return slug or "section"


def parse_ial(text: str) -> list[tuple[str, str]] | None:
    """Attributes of a kramdown IAL line, or None when the line is not one."""
    match = _IAL_LINE.match(text.strip())
    if match is None:
        return None
    attrs: list[tuple[str, str]] = []
    for cls, ident, key, value in _IAL_PART.findall(match.group(1)):
        if cls:
            attrs.append(("class", cls))
        elif ident:
            attrs.append(("id", ident))
        elif key:
            attrs.append((key, value[1:-1] if value[0] in "\"'" else value))
    return attrs


def apply_ials(out: str) -> str:
    """A paragraph that is only an IAL applies to the next block at its level and disappears:
    in the HTML that block's opening tag comes right after it; anything else there (its
    container's closing tag, the end) means it was last, and it is dropped, as kramdown drops
    one with nothing after it.  An IAL on a paragraph's last line applies to that paragraph (in
    a tight list item, which has no paragraph tag, it is only removed).
    Right to left, so IALs stacked above one block all reach it."""
    for match in reversed(list(_IAL_ENDING.finditer(out))):
        start = match.start()
        whole = match["close"] is not None and start >= 3 and out.startswith("<p>", start - 3)
        last = start > 0 and out[start - 1] == "\n"
        attrs = parse_ial(html.unescape(match["ial"])) if whole or last else None
        if attrs is None:
            continue
        if whole:
            out = out[: start - 3] + _with_attrs_at(out, match.end(), attrs)
        elif match["item"] is not None:  # no paragraph tag to carry them: the line goes
            out = out[: start - 1] + out[match.start("item") :]
        elif (opening := out.rfind("<p>", 0, start)) >= 0:
            paragraph = _with_attrs_at(out[: start - 1], opening, attrs)
            out = out[:opening] + paragraph + out[match.start("close") :]
    return out


def _with_attrs_at(out: str, start: int, attrs: list[tuple[str, str]]) -> str:
    """``out[start:]`` with ``attrs`` set on the opening tag at ``start`` (when there is one)."""
    tag = _OPEN_TAG.match(out, start)
    if tag is None:
        return out[start:]
    merged = _merge_attrs(tag["attrs"], attrs)
    return f"<{tag['name']}{merged}{tag['end']}{out[tag.end() :]}"


def _merge_attrs(existing: str, attrs: list[tuple[str, str]]) -> str:
    """A tag's attribute text with ``attrs`` set: a class is added to the ones there, another
    name replaces its value in place or is appended.  The values we write are escaped."""
    parts = [[part["name"].lower(), part[0]] for part in _ATTR_PART.finditer(existing)]
    for name, value in attrs:
        found = next((part for part in parts if part[0] == name.lower()), None)
        if found is None:
            parts.append([name.lower(), f' {name}="{escape(value)}"'])
            continue
        if name.lower() == "class":
            current = _attr_value(found[1])
            value = f"{current} {value}" if current else value
        found[1] = f' {name}="{escape(value)}"'
    return "".join(text for _, text in parts)


def _attr_value(part_text: str) -> str:
    """The unescaped value of one attribute (``' class="a b"'`` → ``a b``)."""
    part = _ATTR_PART.fullmatch(part_text)
    raw = part and (part["dq"] or part["sq"] or part["uq"])
    return html.unescape(raw) if raw else ""


def add_heading_ids(out: str) -> str:
    """An ``id`` for every heading without one, from its text (tags stripped, entities
    unescaped), unique in the body with -1, -2… in document order.  Headings the author wrote
    in raw HTML get one too: the output does not tell them apart, and an anchor does no harm."""
    used: set[str] = set()
    tried: dict[str, int] = {}

    def with_id(match: re.Match[str]) -> str:
        attrs, inner = match["attrs"], match["inner"]
        given = attrs and next(
            (p[0] for p in _ATTR_PART.finditer(attrs) if p["name"].lower() == "id"), None
        )
        if given:
            used.add(_attr_value(given))
            return match[0]
        text = html.unescape(_ANY_TAG.sub("", inner) if "<" in inner else inner)
        slug = _unique(
            slugify(text), used, tried
        )  # only word characters and "-": nothing to escape
        tag = match["tag"]
        return f'<{tag}{attrs} id="{slug}">{inner}</{tag}>'

    return _HEADING.sub(with_id, out)


def _unique(slug: str, used: set[str], tried: dict[str, int]) -> str:
    """``slug``, or the first of ``slug-1``, ``slug-2``… not used yet (``tried`` remembers where
    each slug's search ended, so many equal headings cost linear time, not quadratic)."""
    candidate, number = slug, tried.get(slug, 0)
    if number:
        candidate = f"{slug}-{number}"
    while candidate in used:
        number += 1
        candidate = f"{slug}-{number}"
    tried[slug] = number + 1 if number else 1
    used.add(candidate)
    return candidate


def is_relative_path(url: str) -> bool:
    """``assets/x.png`` or ``../x`` — not ``/x``, ``//host``, ``#id``, ``?q``, ``mailto:``…"""
    return bool(url) and not url.startswith(("/", "#", "?")) and not _SCHEME.match(url)


def root_relative_urls(out: str, site_root: str) -> str:
    """``site_root`` put in front of each relative ``src``/``href`` value inside a tag (the
    engine's or the author's), its quotes kept; text and comments are never touched."""

    def rebase_attr(part: re.Match[str]) -> str:
        if part["name"].lower() not in ("src", "href"):
            return part[0]
        group = "dq" if part["dq"] is not None else "sq" if part["sq"] is not None else "uq"
        value = part[group]
        if value is None or not is_relative_path(html.unescape(value)):
            return part[0]
        cut = part.start(group) - part.start()
        return part[0][:cut] + site_root + part[0][cut:]

    def rebase_tag(tag: re.Match[str]) -> str:
        text = tag[0]
        return text if text.startswith("<!") else _ATTR_PART.sub(rebase_attr, text)

    return _URL_TAG.sub(rebase_tag, out)
