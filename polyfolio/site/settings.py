"""``polyfolio.build`` settings from ``_config.yml``, validated with positions for messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from msgspec import Struct, field

from polyfolio.content.config import SiteConfig

Missing = Literal["fallback", "hide"]


class BuildSettings(Struct, frozen=True):
    default_lang_at_root: bool = True
    missing: Missing = "fallback"
    stale_notice: bool = False
    raw_html: bool = True
    strings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def build_settings(config: SiteConfig) -> BuildSettings:
    """Read ``polyfolio.build``; a wrong value raises a ContentError pointing at it."""
    section = config.section("build")
    return BuildSettings(
        default_lang_at_root=_flag(config, section, "default_lang_at_root", True),
        missing=_missing(config, section),
        stale_notice=_flag(config, section, "stale_notice", False),
        raw_html=_flag(config, section, "raw_html", True),
        strings=_strings(config, section),
    )


_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})


def _flag(config: SiteConfig, section: Mapping[str, Any], key: str, default: bool) -> bool:
    value = section.get(key)
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise config.invalid(
        ("polyfolio", "build", key), f"polyfolio.build.{key} must be true or false"
    )


def _missing(config: SiteConfig, section: Mapping[str, Any]) -> Missing:
    value = section.get("missing", "fallback")
    if value == "fallback":
        return "fallback"
    if value == "hide":
        return "hide"
    raise config.invalid(
        ("polyfolio", "build", "missing"), "polyfolio.build.missing must be 'fallback' or 'hide'"
    )


def _strings(config: SiteConfig, section: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    value = section.get("strings") or {}
    keys = ("polyfolio", "build", "strings")
    if not isinstance(value, Mapping):
        raise config.invalid(keys, "polyfolio.build.strings must map languages to strings")
    result: dict[str, dict[str, str]] = {}
    for lang, table in value.items():
        if not isinstance(table, Mapping) or not all(isinstance(v, str) for v in table.values()):
            raise config.invalid(
                (*keys, lang), f"polyfolio.build.strings.{lang} must map names to texts"
            )
        result[str(lang)] = {str(k): v for k, v in table.items()}
    return result
