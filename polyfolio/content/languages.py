"""Site language codes as the site writes them, and their BCP 47 equivalents.

Sites often use a country code for a language (``gr`` for Greek).  We keep the site's code
everywhere the site is concerned (file names, ``lang:``, URLs) and use BCP 47 wherever the outside
world needs a standard code (HTML ``lang``, ``hreflang``, translation engines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

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
def is_valid_tag(code: str) -> bool:
    # langcodes and its data cost ~0.1 s to import; only commands that judge codes pay it.
    import langcodes

    return bool(code) and bool(langcodes.tag_is_valid(code))


@dataclass(frozen=True, slots=True)
class LanguageCodes:
    """Maps the site's language codes to BCP 47; ``overrides`` come from the site's config."""

    overrides: Mapping[str, str] = field(default_factory=dict)

    def to_bcp47(self, code: str) -> str:
        if code in self.overrides:
            return self.overrides[code]
        if code in COUNTRY_AS_LANGUAGE:
            return COUNTRY_AS_LANGUAGE[code]
        if not is_valid_tag(code):
            return code
        import langcodes

        return str(langcodes.standardize_tag(code))

    def is_known(self, code: str) -> bool:
        """True when the code maps to a valid BCP 47 tag (directly or through a mapping)."""
        return is_valid_tag(self.to_bcp47(code))

    def is_standard(self, code: str) -> bool:
        """True when the site's own code already is the BCP 47 tag it stands for."""
        return is_valid_tag(code) and self.to_bcp47(code) == code

    def display_name(self, code: str) -> str:
        """The language's own name for itself (``Ελληνικά``), for language switchers."""
        tag = self.to_bcp47(code)
        if not is_valid_tag(tag):
            return code
        import langcodes

        name = str(langcodes.Language.get(tag).autonym())
        return name[:1].upper() + name[1:]
