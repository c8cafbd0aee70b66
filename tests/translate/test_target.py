"""Writing targets: exact source layout, only translated text, lang and source_hash differ."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from shared_data import all_content_files, ids, spec_examples

from polyfolio.content.document import Document, parse_document
from polyfolio.content.frontmatter import FrontMatterEditor, read_front_matter
from polyfolio.diagnostics import ContentError
from polyfolio.translate.segments import SegmentedDocument, segment_document
from polyfolio.translate.target import PlaceholderError, build_target, read_target_texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "translate"
CASES: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "targets.yml").read_text("utf-8"))
HASH = "0123456789abcdef0123456789abcdef"
SPEC = spec_examples()
FILES = all_content_files()


def _with_lang_and_hash(document: Document, lang: str, digest: str) -> bytes:
    """The source with only ``lang`` and ``source_hash`` edited, straight through the editor."""
    editor = FrontMatterEditor(document.front_matter)
    changes = {}
    added = []
    for key, value in (("lang", lang), ("source_hash", digest)):
        if editor.has((key,)):
            changes[(key,)] = value
        else:
            added.append((key, value))
    text = editor.set_values(changes)
    for key, value in added:
        text = FrontMatterEditor(text).with_new_key(key, value)
    return document.with_front_matter(text).to_bytes()


def _assert_copy_identity(document: Document) -> None:
    segmented = segment_document(document)
    copy = {segment.key: segment.text for segment in segmented.segments}
    target = build_target(segmented, copy, lang="gr", source_hash=HASH)
    assert target.to_bytes() == _with_lang_and_hash(document, "gr", HASH)


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_copy_identity_for_seeds_and_corpus(path: Path) -> None:
    document = parse_document(str(path), path.read_bytes())
    try:
        read_front_matter(document.front_matter, document.path)
    except ContentError:
        pytest.skip("front matter does not parse")
    _assert_copy_identity(document)


@pytest.mark.parametrize("example", SPEC, ids=[f"spec-{e['example']}" for e in SPEC])
def test_copy_identity_for_every_commonmark_example(example: dict[str, Any]) -> None:
    data = f"---\ntitle: Example\nlang: en\n---\n{example['markdown']}".encode()
    _assert_copy_identity(parse_document("spec.md", data))


def _body_target(case: dict[str, Any]) -> tuple[SegmentedDocument, Document]:
    source = parse_document("item.md", f"---\ntitle: T\n---\n{case['markdown']}".encode())
    segmented = segment_document(source, ())
    assert len(segmented.segments) == len(case["translations"])
    translations = {
        segment.key: text
        for segment, text in zip(segmented.segments, case["translations"], strict=True)
        if text is not None
    }
    return segmented, build_target(segmented, translations, lang="gr", source_hash=HASH)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_translations_are_laid_into_the_source_layout(case: dict[str, Any]) -> None:
    _, target = _body_target(case)
    assert target.body == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_a_written_target_reads_back_as_its_translations(case: dict[str, Any]) -> None:
    segmented, target = _body_target(case)
    texts = read_target_texts(segmented, target)
    assert texts is not None
    again = build_target(segmented, texts, lang="gr", source_hash=HASH)
    assert again.body == target.body


def test_front_matter_translation_changes_only_those_values() -> None:
    source = parse_document(
        "x.md",
        b"---\n\ncaption: #grid\n  title: Botox\n  subtitle: \nimage: a.webp\n"
        b"title: 'Botox treatment' # detail\nlang: en\n---\nBody\n",
    )
    segmented = segment_document(source)
    target = build_target(
        segmented,
        {"fm:caption.title": "Μπότοξ", "fm:title": "Θεραπεία Μπότοξ"},
        lang="gr",
        source_hash=HASH,
    )
    assert (
        target.to_bytes()
        == (
            "---\n\ncaption: #grid\n  title: Μπότοξ\n  subtitle: \nimage: a.webp\n"
            f"title: 'Θεραπεία Μπότοξ' # detail\nlang: gr\nsource_hash: {HASH}\n---\nBody\n"
        ).encode()
    )


def test_a_missing_placeholder_is_refused() -> None:
    segmented = segment_document(parse_document("x.md", b"---\n---\nSee `code` here\n"), ())
    with pytest.raises(PlaceholderError):
        build_target(segmented, {"body:0": "Δείτε εδώ"}, lang="gr", source_hash=HASH)


def test_a_document_without_front_matter_gets_one() -> None:
    segmented = segment_document(parse_document("x.md", b"Hello\n"))
    target = build_target(segmented, {"body:0": "Γεια"}, lang="gr", source_hash=HASH)
    assert target.to_text() == f"---\nlang: gr\nsource_hash: {HASH}\n---\nΓεια\n"


# --- reading human edits back ------------------------------------------------------------------

SOURCE = (
    "---\ntitle: Botox\nlang: en\n---\n# Botox\n\nIt relaxes *muscles* for [months](/m).\n\n"
    "- Forehead lines\n- Crow's feet\n"
)
TRANSLATED = {
    "fm:title": "Μπότοξ",
    "body:0": "Μπότοξ",
    "body:1": "Χαλαρώνει τους <i1>μύες</i1> για <a2>μήνες</a2>.",
    "body:2": "Γραμμές μετώπου",
    "body:3": "Πόδι της χήνας",
}


def _translated_target() -> tuple[SegmentedDocument, Document]:
    source = segment_document(parse_document("botox.md", SOURCE.encode()))
    return source, build_target(source, TRANSLATED, lang="gr", source_hash=HASH)


def test_a_human_edit_is_read_back_for_its_key() -> None:
    source, target = _translated_target()
    edited = target.with_body(target.body.replace("τους *μύες*", "τους *σφιγμένους μύες*"))
    texts = read_target_texts(source, edited)
    assert texts is not None
    assert texts["body:1"] == "Χαλαρώνει τους <i1>σφιγμένους μύες</i1> για <a2>μήνες</a2>."
    assert {k: v for k, v in texts.items() if k != "body:1"} == {
        k: v for k, v in TRANSLATED.items() if k != "body:1"
    }


def test_moved_placeholders_read_back_with_the_source_names() -> None:
    source, _ = _translated_target()
    moved = dict(TRANSLATED, **{"body:1": "Για <a2>μήνες</a2> χαλαρώνει τους <i1>μύες</i1>."})
    target = build_target(source, moved, lang="gr", source_hash=HASH)
    texts = read_target_texts(source, target)
    assert texts is not None and texts["body:1"] == moved["body:1"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("- Πόδι της χήνας\n", "- Πόδι της χήνας\n- Νέο σημείο\n"),  # a segment added
        ("# Μπότοξ\n", "## Μπότοξ\n"),  # layout changed
        ("[μήνες](/m)", "[μήνες](/other)"),  # a link changed
        ("*μύες*", "μύες"),  # markup dropped
    ],
)
def test_a_target_whose_structure_changed_cannot_be_aligned(old: str, new: str) -> None:
    source, target = _translated_target()
    assert old in target.body
    assert read_target_texts(source, target.with_body(target.body.replace(old, new))) is None


def test_front_matter_is_read_back_before_it_is_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever the editor did, a value that does not read back as meant is never written.
    segmented = segment_document(parse_document("x.md", b"---\ntitle: A\nlang: en\n---\nB\n"))
    monkeypatch.setattr(FrontMatterEditor, "set_values", lambda self, values: "title: x\n")
    with pytest.raises(ContentError, match=r"x\.md:2:1"):
        build_target(segmented, {"fm:title": "Α"}, lang="gr", source_hash=HASH)


def test_inline_html_that_would_open_an_html_block_is_refused() -> None:
    segmented = segment_document(parse_document("x.md", b"---\n---\nOur <div> clinic\n"), ())
    with pytest.raises(PlaceholderError, match="HTML would start a block"):
        build_target(segmented, {"body:0": "<x1/> κλινική"}, lang="gr", source_hash=HASH)
