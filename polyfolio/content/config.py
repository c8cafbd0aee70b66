"""The site's ``_config.yml``: Jekyll's own keys we use, and our ``polyfolio:`` settings.

Our settings live under one ``polyfolio:`` mapping so a Jekyll site keeps working unchanged.  Each
subsystem validates its own section (``translate``, ``build``) from :attr:`SiteConfig.section`;
this module validates what everything shares.  A bad value is a :class:`ContentError` that
points at the line and column of the value in ``_config.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from polyfolio.content.document import decode
from polyfolio.content.languages import COUNTRY_AS_LANGUAGE, LanguageCodes
from polyfolio.content.tagfacts import TagFacts, tag_facts
from polyfolio.content.yamltree import YamlTree, parse_yaml
from polyfolio.diagnostics import ContentError, Location, error

CONFIG_FILE = "_config.yml"
DEFAULT_COLLECTION = "portfolio"
DEFAULT_SOURCE_LANG = "en"


class SiteConfig(Struct, frozen=True):
    title: str = ""
    url: str = ""
    baseurl: str = ""
    description: str = ""
    collection: str = DEFAULT_COLLECTION
    source_lang: str = DEFAULT_SOURCE_LANG
    languages: tuple[str, ...] = ()
    codes: LanguageCodes = field(default_factory=LanguageCodes)
    raw: Mapping[str, Any] = field(default_factory=dict)
    tree: YamlTree | None = None

    @property
    def collection_dir(self) -> str:
        return f"_{self.collection}"

    def section(self, name: str) -> Mapping[str, Any]:
        """``polyfolio.<name>`` as a mapping (empty when absent)."""
        ours = self.raw.get("polyfolio") or {}
        value = ours.get(name) if isinstance(ours, Mapping) else None
        return value if isinstance(value, Mapping) else {}

    def location(self, *keys: str | int) -> Location:
        """Where a config value sits, for messages about it."""
        if self.tree is None:
            return Location(CONFIG_FILE, 1, 1)
        return self.tree.location(CONFIG_FILE, keys)

    def invalid(self, keys: tuple[str | int, ...], message: str) -> ContentError:
        return ContentError(error(self.location(*keys), message))


def load_config(root: Path) -> SiteConfig:
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    tree = parse_yaml(decode(CONFIG_FILE, path.read_bytes()), CONFIG_FILE, first_line=1)
    raw = tree.data if tree.data is not None else {}
    if not isinstance(raw, dict):
        raise ContentError(error(Location(CONFIG_FILE, 1, 1), "_config.yml must be a mapping"))
    base = SiteConfig(raw=raw, tree=tree)
    ours = raw.get("polyfolio") or {}
    if not isinstance(ours, dict):
        raise base.invalid(("polyfolio",), "'polyfolio' must be a mapping of settings")
    source_lang = _text(base, ours, "source_lang", DEFAULT_SOURCE_LANG)
    languages = _languages(base, ours, source_lang)
    overrides = _bcp47_mapping(base, ours)
    known = tag_facts(root, _site_codes(source_lang, languages, overrides))
    codes = LanguageCodes(_bcp47_overrides(base, overrides, known), known)
    return SiteConfig(
        title=_plain(raw.get("title")),
        url=_plain(raw.get("url")).rstrip("/"),
        baseurl=_plain(raw.get("baseurl")).rstrip("/"),
        description=_plain(raw.get("description")),
        collection=_text(base, ours, "collection", DEFAULT_COLLECTION),
        source_lang=source_lang,
        languages=languages,
        codes=codes,
        raw=raw,
        tree=tree,
    )


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _text(base: SiteConfig, ours: Mapping[str, Any], key: str, default: str) -> str:
    value = ours.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise base.invalid(("polyfolio", key), f"polyfolio.{key} must be a non-empty text")
    return value.strip()


def _languages(base: SiteConfig, ours: Mapping[str, Any], source_lang: str) -> tuple[str, ...]:
    value = ours.get("languages")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise base.invalid(
            ("polyfolio", "languages"), "polyfolio.languages must be a list of language codes"
        )
    languages = [source_lang, *(v for v in value if v != source_lang)]
    return tuple(dict.fromkeys(languages))


def _bcp47_mapping(base: SiteConfig, ours: Mapping[str, Any]) -> dict[Any, Any]:
    value = ours.get("bcp47") or {}
    if not isinstance(value, dict):
        raise base.invalid(
            ("polyfolio", "bcp47"), "polyfolio.bcp47 must map site codes to BCP 47 tags"
        )
    return value


def _site_codes(
    source_lang: str, languages: tuple[str, ...], overrides: Mapping[Any, Any]
) -> list[str]:
    """Every code whose verdict a build asks for: the site's codes and the tags they map to."""
    codes = [source_lang, *languages]
    codes += [COUNTRY_AS_LANGUAGE[code] for code in codes if code in COUNTRY_AS_LANGUAGE]
    return codes + [tag for tag in overrides.values() if isinstance(tag, str)]


def _bcp47_overrides(
    base: SiteConfig, value: Mapping[Any, Any], known: Mapping[str, TagFacts]
) -> dict[str, str]:
    for code, tag in value.items():
        if not isinstance(tag, str) or not _valid(tag, known):
            raise base.invalid(
                ("polyfolio", "bcp47", code), f"'{tag}' is not a valid BCP 47 language tag"
            )
    return dict(value)


def _valid(tag: str, known: Mapping[str, TagFacts]) -> bool:
    facts = known.get(tag)
    return facts.valid if facts is not None else LanguageCodes().is_valid(tag)
