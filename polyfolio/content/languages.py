"""Site language codes as the site writes them, and their BCP 47 equivalents.

Sites often use a country code for a language (``gr`` for Greek).  We keep the site's code
everywhere the site is concerned (file names, ``lang:``, URLs) and use BCP 47 wherever the outside
world needs a standard code (HTML ``lang``, ``hreflang``, translation engines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from polyfolio.content.tagfacts import TagFacts, ask_langcodes, shipped_facts

# Country codes that sites use as language codes and that are not valid language subtags.
COUNTRY_AS_LANGUAGE: Mapping[str, str] = {
    "gr": "el",
    "cz": "cs",
    "dk": "da",
    "jp": "ja",
    "ua": "uk",
    "vn": "vi",
    "cn": "zh",
    "gb": "en",
    "us": "en",
    "rs": "sr",
    "ee": "et",
}


@lru_cache(maxsize=256)
def _facts(code: str) -> TagFacts:
    # langcodes and its data cost ~25 ms to import; only codes outside the shipped table pay it.
    shipped = shipped_facts().get(code)
    return shipped if shipped is not None else ask_langcodes(code, named=False)


def is_valid_tag(code: str) -> bool:
    return _facts(code).valid


@dataclass(frozen=True, slots=True)
class LanguageCodes:
    """Maps the site's language codes to BCP 47; ``overrides`` come from the site's config.

    ``known`` holds langcodes' verdicts on the site's own codes, read from the cache by
    :func:`~polyfolio.content.config.load_config`, so a build need not import langcodes; any
    other code is asked of langcodes.  A dataclass, not a :class:`msgspec.Struct` as other
    records are: ``known`` stays out of its equality and repr (part of every page cache key).
    """

    overrides: Mapping[str, str] = field(default_factory=dict)
    known: Mapping[str, TagFacts] = field(default_factory=dict, repr=False, compare=False)

    def to_bcp47(self, code: str) -> str:
        if code in self.overrides:
            return self.overrides[code]
        if code in COUNTRY_AS_LANGUAGE:
            return COUNTRY_AS_LANGUAGE[code]
        return self._facts(code).standard

    def is_valid(self, tag: str) -> bool:
        """True when ``tag`` is a valid BCP 47 tag."""
        return self._facts(tag).valid

    def is_known(self, code: str) -> bool:
        """True when the code maps to a valid BCP 47 tag (directly or through a mapping)."""
        return self.is_valid(self.to_bcp47(code))

    def is_standard(self, code: str) -> bool:
        """True when the site's own code already is the BCP 47 tag it stands for."""
        return self.is_valid(code) and self.to_bcp47(code) == code

    def display_name(self, code: str) -> str:
        """The language's own name for itself (``Ελληνικά``), for language switchers."""
        tag = self.to_bcp47(code)
        known = self.known.get(tag) or shipped_facts().get(tag)
        if known is not None:
            name = known.autonym
        elif self.is_valid(tag):
            import langcodes

            name = str(langcodes.Language.get(tag).autonym())
        else:
            name = ""
        return name[:1].upper() + name[1:] if name else code

    def _facts(self, code: str) -> TagFacts:
        facts = self.known.get(code)
        return facts if facts is not None else _facts(code)
