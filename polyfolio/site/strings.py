"""Interface strings ("Close", "Portfolio", notices…) per language.

Built in for English and Greek, keyed by BCP 47 primary language so a site that writes ``gr`` gets
Greek.  A site overrides any of them in ``polyfolio.build.strings.<lang>`` (its own code or the
BCP 47 tag), and the agency theme's ``_data/sitetext.yml`` supplies the hero and portfolio section
texts, from its per-language section (``en:``, ``gr:``) or, for the source language, its top level.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from polyfolio.content.document import decode
from polyfolio.content.languages import LanguageCodes
from polyfolio.content.yamltree import parse_yaml
from polyfolio.diagnostics import ContentError, Diagnostic

SITETEXT_FILE = "_data/sitetext.yml"

BUILT_IN: Mapping[str, Mapping[str, str]] = {
    "en": {
        "close": "Close",
        "portfolio": "Portfolio",
        "portfolio_text": "",
        "language": "Language",
        "home": "Home",
        "skip": "Skip to content",
        "back": "Back to the portfolio",
        "loading": "Loading…",
        "permalink": "Open as a page",
        "missing_notice": "This item is not translated yet; it is shown in its original language.",
        "stale_notice": "This translation may be out of date.",
        "not_found_title": "Page not found",
        "not_found_text": "The page you asked for does not exist or has moved.",
    },
    "el": {
        "close": "Κλείσιμο",
        "portfolio": "Χαρτοφυλάκιο",
        "portfolio_text": "",
        "language": "Γλώσσα",
        "home": "Αρχική",
        "skip": "Μετάβαση στο περιεχόμενο",
        "back": "Επιστροφή στο χαρτοφυλάκιο",
        "loading": "Φόρτωση…",
        "permalink": "Άνοιγμα ως σελίδα",
        "missing_notice": "Αυτό το θέμα δεν έχει μεταφραστεί ακόμη· εμφανίζεται στην αρχική του "
        "γλώσσα.",
        "stale_notice": "Αυτή η μετάφραση μπορεί να μην είναι ενημερωμένη.",
        "not_found_title": "Η σελίδα δεν βρέθηκε",
        "not_found_text": "Η σελίδα που ζητήσατε δεν υπάρχει ή έχει μετακινηθεί.",
    },
}


def strings_for(
    lang: str,
    codes: LanguageCodes,
    overrides: Mapping[str, Mapping[str, str]],
    sitetext: Mapping[str, str],
) -> dict[str, str]:
    """Built-in strings for the language (English when unknown), then sitetext, then config."""
    tag = codes.to_bcp47(lang)
    primary = tag.split("-", 1)[0].lower()
    strings = dict(BUILT_IN["en"])
    strings.update(BUILT_IN.get(primary, {}))
    strings.update(sitetext)
    for key in (tag, lang):
        strings.update(overrides.get(key, {}))
    return strings


def read_sitetext(root: Path, problems: list[Diagnostic]) -> Any:
    """The parsed ``_data/sitetext.yml`` (None when absent or unreadable, with a problem)."""
    path = root / SITETEXT_FILE
    if not path.is_file():
        return None
    try:
        return parse_yaml(decode(SITETEXT_FILE, path.read_bytes()), SITETEXT_FILE).data
    except ContentError as exc:
        problems.append(exc.diagnostic)
        return None


def sitetext_strings(data: Any, lang: str, tag: str, is_source: bool) -> dict[str, str]:
    """Hero and portfolio texts for one language from the theme's sitetext data."""
    section = _language_section(data, lang, tag, is_source)
    found: dict[str, str] = {}
    for target, keys in (
        ("portfolio", ("portfolio", "title")),
        ("portfolio_text", ("portfolio", "text")),
        ("hero_title", ("header", "title")),
        ("hero_text", ("header", "text")),
        ("hero_button", ("header", "button")),
    ):
        value = _lookup(section, keys)
        if value:
            found[target] = value
    return found


def _language_section(data: Any, lang: str, tag: str, is_source: bool) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        return {}
    for key in (lang, tag):
        if isinstance(data.get(key), Mapping):
            return data[key]  # type: ignore[no-any-return]
    return data if is_source else {}


def _lookup(section: Mapping[str, Any], keys: tuple[str, str]) -> str:
    outer = section.get(keys[0])
    value = outer.get(keys[1]) if isinstance(outer, Mapping) else None
    return value.strip() if isinstance(value, str) else ""
