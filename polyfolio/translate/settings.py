"""``polyfolio.translate`` in ``_config.yml``: which engine, how to reach it, what to translate.

```yaml
polyfolio:
  translate:
    engine: openai             # copy | pseudo | openai | deepl  (--engine overrides)
    model: gpt-4o-mini         # openai only
    base_url: http://127.0.0.1:11434/v1   # an OpenAI-compatible server (Ollama…) or DeepL's
    keys: .secrets/keys.env    # optional, relative to the site: OPENAI_API_KEY=… lines
    glossary:                  # source term -> {site language code: term}
      botulinum toxin: {gr: αλλαντική τοξίνη}
    do_not_translate: [Botox, Dysport]
    concurrency: 4             # requests at once, 1..64
    timeout: 60                # seconds per request
    max_retries: 4             # retries of a failed request (429, 5xx, timeouts)
    translatable: [caption.title, title, alt]   # front matter dotted paths
```

The glossary is a mapping because a source term has one entry with a term per language; its
language keys are the site's own codes (``gr``), as in file names.  API keys never live in
``_config.yml``: they come from the environment or from the ``keys`` file (dotenv syntax, read with
python-dotenv), which the user should keep out of version control.  Every bad value is a
:class:`ContentError` pointing at its line and column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from msgspec import Struct, field

from polyfolio.content.config import CONFIG_FILE, SiteConfig
from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.translate.engines.base import ENGINE_NAMES, BatchContext, EngineNotConfigured, Term
from polyfolio.translate.segments import DEFAULT_TRANSLATABLE

SECTION = "translate"
KNOWN_KEYS = (
    "engine",
    "model",
    "base_url",
    "keys",
    "glossary",
    "do_not_translate",
    "concurrency",
    "timeout",
    "max_retries",
    "translatable",
)
MAX_CONCURRENCY = 64
MAX_RETRIES = 20
MAX_TIMEOUT = 3600.0


class GlossaryEntry(Struct, frozen=True):
    source: str
    targets: Mapping[str, str]  # site language code -> term


class TranslateSettings(Struct, frozen=True):
    engine: str | None = None
    model: str | None = None
    base_url: str | None = None
    keys_file: Path | None = None
    glossary: tuple[GlossaryEntry, ...] = ()
    do_not_translate: tuple[str, ...] = ()
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 4
    translatable: tuple[str, ...] = DEFAULT_TRANSLATABLE
    # Site language code -> BCP 47 tag, for every code the site and its glossary use.
    language_tags: Mapping[str, str] = field(default_factory=dict)

    def glossary_for(self, target_lang: str) -> dict[str, str]:
        """The whole glossary for one target language (BCP 47): source term -> target term."""
        return {
            entry.source: term
            for entry in self.glossary
            for code, term in entry.targets.items()
            if self.language_tags.get(code, code) == target_lang
        }

    def batch_context(
        self,
        texts: Sequence[str],
        *,
        source_lang: str,
        target_lang: str,
        target_code: str | None = None,
    ) -> BatchContext:
        """The context for one batch: glossary and do-not-translate terms occurring in it.

        ``source_lang``/``target_lang`` are BCP 47; ``target_code`` is the site's code for the
        target language (the glossary's keys); without it, :attr:`language_tags` finds them.
        """
        if target_code is not None:
            terms = {
                e.source: e.targets[target_code] for e in self.glossary if target_code in e.targets
            }
        else:
            terms = self.glossary_for(target_lang)
        glossary = tuple(
            Term(source, target) for source, target in terms.items() if occurs(source, texts)
        )
        keep = tuple(term for term in self.do_not_translate if occurs(term, texts))
        return BatchContext(source_lang, target_lang, glossary, keep)


def occurs(term: str, texts: Sequence[str]) -> bool:
    """Whether ``term`` occurs as a whole word, ignoring case, in any of ``texts``."""
    # re caches compiled patterns, so a glossary checked batch after batch compiles once.
    pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
    return any(pattern.search(text) for text in texts)


def load_translate_settings(
    config: SiteConfig, engine_override: str | None = None, *, root: Path | None = None
) -> TranslateSettings:
    """Validate ``polyfolio.translate``; ``root`` (the site folder) resolves and checks ``keys``."""
    section = _section(config)
    _reject_unknown_keys(config, section)
    if engine_override is not None and engine_override not in ENGINE_NAMES:
        raise EngineNotConfigured(
            f"unknown engine '{engine_override}'; choose one of: {', '.join(ENGINE_NAMES)}"
        )
    glossary = _glossary(config, section)
    codes = {*config.languages, *(code for entry in glossary for code in entry.targets)}
    return TranslateSettings(
        engine=engine_override or _engine(config, section),
        model=_optional_text(config, section, "model"),
        base_url=_base_url(config, section),
        keys_file=_keys_file(config, section, root),
        glossary=glossary,
        do_not_translate=_text_list(config, section, "do_not_translate"),
        concurrency=int(_number(config, section, "concurrency", 4, 1, MAX_CONCURRENCY, whole=True)),
        timeout=_number(config, section, "timeout", 60.0, 0.001, MAX_TIMEOUT, whole=False),
        max_retries=int(_number(config, section, "max_retries", 4, 0, MAX_RETRIES, whole=True)),
        translatable=_translatable(config, section),
        language_tags={code: config.codes.to_bcp47(code) for code in sorted(codes)},
    )


def _keys(name: str, *more: str | int) -> tuple[str | int, ...]:
    return ("polyfolio", SECTION, name, *more)


def _section(config: SiteConfig) -> Mapping[str, Any]:
    ours = config.raw.get("polyfolio")
    value = ours.get(SECTION) if isinstance(ours, Mapping) else None
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise config.invalid(("polyfolio", SECTION), "polyfolio.translate must be a mapping")
    return value


def _reject_unknown_keys(config: SiteConfig, section: Mapping[str, Any]) -> None:
    for key in section:
        if key not in KNOWN_KEYS:
            message = f"unknown setting polyfolio.translate.{key}; known: {', '.join(KNOWN_KEYS)}"
            # Point at the misspelt key itself, not at its value.
            position = config.tree.key_positions.get(_keys(key)) if config.tree else None
            if position is None:
                raise config.invalid(_keys(key), message)
            raise ContentError(error(Location(CONFIG_FILE, *position), message))


def _engine(config: SiteConfig, section: Mapping[str, Any]) -> str | None:
    value = section.get("engine")
    if value is None:
        return None
    if not isinstance(value, str) or value.strip() not in ENGINE_NAMES:
        raise config.invalid(
            _keys("engine"),
            f"polyfolio.translate.engine must be one of: {', '.join(ENGINE_NAMES)}",
        )
    return value.strip()


def _optional_text(config: SiteConfig, section: Mapping[str, Any], key: str) -> str | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise config.invalid(_keys(key), f"polyfolio.translate.{key} must be a non-empty text")
    return value.strip()


def _base_url(config: SiteConfig, section: Mapping[str, Any]) -> str | None:
    value = _optional_text(config, section, "base_url")
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise config.invalid(
            _keys("base_url"), "polyfolio.translate.base_url must be an http(s) URL"
        )
    if parts.username or parts.password:
        # A key in _config.yml would be committed with the site; keys belong in `keys`.
        raise config.invalid(
            _keys("base_url"),
            "polyfolio.translate.base_url must not contain credentials; "
            "put keys in the environment or the file named by polyfolio.translate.keys",
        )
    return value


def _keys_file(config: SiteConfig, section: Mapping[str, Any], root: Path | None) -> Path | None:
    value = _optional_text(config, section, "keys")
    if value is None:
        return None
    path = Path(value).expanduser()
    if root is not None:
        path = root / path
        if not path.is_file():
            raise config.invalid(_keys("keys"), f"polyfolio.translate.keys: no such file '{value}'")
    return path


def _glossary(config: SiteConfig, section: Mapping[str, Any]) -> tuple[GlossaryEntry, ...]:
    value = section.get("glossary")
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise config.invalid(
            _keys("glossary"),
            "polyfolio.translate.glossary must map source terms to {language: term}",
        )
    return tuple(_glossary_entry(config, source, targets) for source, targets in value.items())


def _glossary_entry(config: SiteConfig, source: str, targets: Any) -> GlossaryEntry:
    if not source.strip():
        raise config.invalid(_keys("glossary", source), "a glossary term must not be empty")
    if not isinstance(targets, Mapping) or not targets:
        raise config.invalid(
            _keys("glossary", source),
            f"glossary term '{source}' must map language codes to terms, e.g. {{gr: ...}}",
        )
    for lang, term in targets.items():
        if config.languages and lang not in config.languages:
            raise config.invalid(
                _keys("glossary", source, lang),
                f"'{lang}' is not one of the site's languages ({', '.join(config.languages)})",
            )
        if not isinstance(term, str) or not term.strip():
            raise config.invalid(
                _keys("glossary", source, lang),
                f"glossary term '{source}' needs a non-empty '{lang}' term",
            )
    return GlossaryEntry(source.strip(), {lang: term.strip() for lang, term in targets.items()})


def _text_list(config: SiteConfig, section: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = section.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise config.invalid(_keys(key), f"polyfolio.translate.{key} must be a list of texts")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise config.invalid(
                _keys(key, index), f"polyfolio.translate.{key} entries must be non-empty texts"
            )
    return tuple(dict.fromkeys(item.strip() for item in value))


def _translatable(config: SiteConfig, section: Mapping[str, Any]) -> tuple[str, ...]:
    if section.get("translatable") is None:
        return DEFAULT_TRANSLATABLE
    paths = _text_list(config, section, "translatable")
    for index, path in enumerate(paths):
        if any(not part for part in path.split(".")):
            raise config.invalid(
                _keys("translatable", index),
                f"'{path}' is not a dotted front matter path like caption.title",
            )
    return paths


def _number(
    config: SiteConfig,
    section: Mapping[str, Any],
    key: str,
    default: float,
    low: float,
    high: float,
    *,
    whole: bool,
) -> float:
    value = section.get(key)
    if value is None:
        return default
    kind = "a whole number" if whole else "a number"
    message = f"polyfolio.translate.{key} must be {kind} from {low:g} to {high:g}"
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        raise config.invalid(_keys(key), message) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise config.invalid(_keys(key), message)
    return number
