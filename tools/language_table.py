"""Regenerate polyfolio/content/language-tags.json: langcodes' verdicts on the codes sites use.

Every two-letter code (valid or not: ``gr`` is a country), common regional tags, and their
standard forms, so that a first build of a typical site never imports langcodes and its name
data (~0.15 s).  Codes outside the table are still asked of langcodes at run time.

    python -m tools.language_table          # rewrite the table from the installed langcodes
"""

from __future__ import annotations

import json
import string
from importlib import metadata
from pathlib import Path

from polyfolio.content.tagfacts import SHIPPED_TABLE, TagFacts, ask_langcodes

REGIONAL = (
    "en-US en-GB en-AU en-CA en-IE en-IN en-NZ en-ZA es-ES es-MX es-419 es-AR es-US pt-BR pt-PT "
    "fr-FR fr-CA fr-BE fr-CH de-DE de-AT de-CH it-IT it-CH nl-NL nl-BE el-GR el-CY zh-CN zh-TW "
    "zh-HK zh-Hans zh-Hant sr-Latn sr-Cyrl ar-SA ar-EG ru-RU uk-UA pl-PL cs-CZ sv-SE da-DK nb-NO "
    "nn-NO fi-FI tr-TR ja-JP ko-KR he-IL hi-IN id-ID ms-MY th-TH vi-VN ro-RO hu-HU bg-BG hr-HR "
    "sk-SK sl-SI lt-LT lv-LV et-EE ca-ES eu-ES gl-ES cy-GB ga-IE is-IS mt-MT sq-AL mk-MK"
).split()
SOURCES = ("langcodes", "language_data")


def codes() -> list[str]:
    letters = string.ascii_lowercase
    two = [a + b for a in letters for b in letters]
    return sorted({*two, *REGIONAL, *(tag.lower() for tag in REGIONAL)})


def table() -> dict[str, object]:
    facts: dict[str, TagFacts] = {code: ask_langcodes(code) for code in codes()}
    standards = {fact.standard for fact in facts.values() if fact.valid} - facts.keys()
    facts.update({code: ask_langcodes(code) for code in standards})
    return {
        "generated_with": {name: metadata.version(name) for name in SOURCES},
        "facts": {
            code: [fact.valid, fact.standard, fact.autonym] for code, fact in sorted(facts.items())
        },
    }


def render(data: dict[str, object]) -> str:
    """One code a line, so a regenerated table diffs readably."""
    facts = data["facts"]
    assert isinstance(facts, dict)
    lines = [
        f"{json.dumps(code)}: {json.dumps(row, ensure_ascii=False)}" for code, row in facts.items()
    ]
    generated = json.dumps(data["generated_with"], sort_keys=True)
    return '{"generated_with": ' + generated + ',\n"facts": {\n' + ",\n".join(lines) + "\n}}\n"


def main() -> None:
    text = render(table())
    Path(SHIPPED_TABLE).write_text(text, encoding="utf-8")
    print(f"wrote {SHIPPED_TABLE}")


if __name__ == "__main__":
    main()
