"""Consistency warnings: glossary terms not followed, one source text translated two ways."""

from __future__ import annotations

import pytest

from polyfolio.translate.consistency import (
    AlignedText,
    glossary_warnings,
    inconsistency_warnings,
)
from polyfolio.translate.settings import GlossaryEntry

GLOSSARY = (
    GlossaryEntry("botulinum toxin", {"gr": "αλλαντική τοξίνη"}),
    GlossaryEntry("crow's feet", {"gr": "πόδι της χήνας", "de": "Krähenfüße"}),
)

# (source, target, lang, expected warning terms)
GLOSSARY_CASES = [
    ("Botulinum toxin relaxes muscles.", "Η αλλαντική τοξίνη χαλαρώνει.", "gr", []),
    (
        "Botulinum toxin relaxes muscles.",
        "Η βουτουλινική τοξίνη χαλαρώνει.",
        "gr",
        ["botulinum toxin"],
    ),
    ("It softens crow's feet.", "Απαλύνει τα πόδια πεταλούδας.", "gr", ["crow's feet"]),
    ("It softens crow's feet.", "Es glättet Krähenfüße.", "de", []),
    ("No term here.", "Κανένας όρος.", "gr", []),
    ("Botulinum toxins", "τοξίνες", "gr", []),  # a whole-word term only
    ("Botulinum toxin", "Botulinum toxin", "fr", []),  # no term for this language
]


@pytest.mark.parametrize(("source", "target", "lang", "terms"), GLOSSARY_CASES)
def test_glossary(source: str, target: str, lang: str, terms: list[str]) -> None:
    found = glossary_warnings([AlignedText("x.md", 7, lang, source, target)], GLOSSARY)
    assert [str(w.location) for w in found] == ["x.md:7:1"] * len(terms)
    assert all(term in w.message for w, term in zip(found, terms, strict=True))


def test_one_source_text_translated_two_ways_is_reported_where_it_differs() -> None:
    texts = [
        AlignedText("a.gr.md", 3, "gr", "Same paragraph.", "Ίδια παράγραφος."),
        AlignedText("b.gr.md", 5, "gr", "Same paragraph.", "Ίδια παράγραφος."),
        AlignedText("c.gr.md", 9, "gr", "Same paragraph.", "Άλλη απόδοση."),
        AlignedText("c.de.md", 9, "de", "Same paragraph.", "Gleicher Absatz."),
        AlignedText("d.gr.md", 2, "gr", "Code-like", "Code-like"),
        AlignedText("e.gr.md", 2, "gr", "Code-like", "Κώδικας"),
    ]
    found = inconsistency_warnings(texts)
    assert [str(w.location) for w in found] == ["c.gr.md:9:1"]
    assert "a.gr.md:3" in found[0].message
