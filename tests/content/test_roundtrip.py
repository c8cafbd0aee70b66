"""Byte-exact round trip of real files, and edits that change only their own bytes."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from polyfolio.content.document import Document, parse_document
from polyfolio.content.frontmatter import (
    FrontMatterEditor,
    append_key,
    lookup,
    read_front_matter,
)
from polyfolio.diagnostics import ContentError
from tests.shared_data import SEEDS, all_content_files, ids, require, seed_files

FILES = all_content_files()


def _load(path: Path) -> tuple[bytes, Document]:
    raw = path.read_bytes()
    return raw, parse_document(path.name, raw)


def _valid_front_matter(document: Document) -> dict[str, Any] | None:
    try:
        return read_front_matter(document.front_matter, document.path).data  # type: ignore[no-any-return]
    except ContentError:
        return None


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_unmodified_document_gives_back_identical_bytes(path: Path) -> None:
    raw, document = _load(path)
    assert document.to_bytes() == raw


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_unmodified_front_matter_through_the_editor_is_identical(path: Path) -> None:
    _, document = _load(path)
    if _valid_front_matter(document) is None:
        pytest.skip("front matter is not valid YAML (covered by the error tests)")
    editor = FrontMatterEditor(document.front_matter, path.name)
    assert editor.set_values({}) == document.front_matter


def _changed_region(before: str, after: str) -> tuple[str, str]:
    """The one contiguous run of characters that differs between two texts."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    first, last = changes[0], changes[-1]
    return before[first[1] : last[2]], after[first[3] : last[4]]


@pytest.mark.parametrize("path", FILES, ids=ids(FILES))
def test_setting_each_value_changes_only_that_value(path: Path) -> None:
    _, document = _load(path)
    data = _valid_front_matter(document)
    if data is None:
        pytest.skip("front matter is not valid YAML")
    editor = FrontMatterEditor(document.front_matter, path.name)
    for keys in editor.scalar_paths():
        if not isinstance(lookup(data, keys), str) and lookup(data, keys) is not None:
            continue
        new_value = "Νέα τιμή: «δοκιμή» # not a comment"
        edited = editor.set_values({keys: new_value})
        after = read_front_matter(edited, path.name).data
        assert lookup(after, keys) == new_value, keys
        _assert_only(keys, data, after)
        old_region, new_region = _changed_region(document.front_matter, edited)
        assert new_value.split(":")[0] in new_region
        assert "\n" not in old_region.strip("\n") or lookup(data, keys) is not None


def _assert_only(keys: tuple[str, ...], before: dict[str, Any], after: dict[str, Any]) -> None:
    def flatten(data: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
        if isinstance(data, dict):
            flat: dict[tuple[str, ...], Any] = {}
            for key, value in data.items():
                flat.update(flatten(value, (*prefix, key)))
            return flat
        return {prefix: data}

    old, new = flatten(before), flatten(after)
    assert old.keys() == new.keys()
    assert {k for k in old if old[k] != new[k]} == {keys}


SEED_CASES = [
    # (dotted path, new value, exact expected line in the edited front matter)
    (("caption", "title"), "Botulinum toxin treatments", "  title: Botulinum toxin treatments\n"),
    (("lang",), "en", "lang: en\n"),
    (("subtitle",), "Για πρόσωπο και σώμα", "subtitle: Για πρόσωπο και σώμα\n"),
    (("caption", "subtitle"), "Νέο", "  subtitle: Νέο\n"),
    (("alt",), "yes", 'alt: "yes"\n'),
    (("title",), "Τίτλος: με άνω τελεία", 'title: "Τίτλος: με άνω τελεία"\n'),
]


@pytest.mark.parametrize("seed", seed_files(), ids=ids(seed_files()))
@pytest.mark.parametrize(("keys", "value", "line"), SEED_CASES)
def test_seed_edit_changes_one_line_only(
    seed: Path, keys: tuple[str, ...], value: str, line: str
) -> None:
    _, document = _load(seed)
    edited = FrontMatterEditor(document.front_matter).set_values({keys: value})
    old_lines = document.front_matter.splitlines(keepends=True)
    new_lines = edited.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1
    assert changed[0][1] == line
    whole = document.with_front_matter(edited).to_bytes()
    assert whole.endswith(document.body.encode("utf-8"))  # body, with no final newline, kept


def test_adding_source_hash_appends_one_line_and_keeps_the_rest() -> None:
    seed = require(SEEDS / "botulinum-treatment.gr.md")
    _, document = _load(seed)
    editor = FrontMatterEditor(document.front_matter)
    replaced = editor.set_values({("source_hash",): "ffffffffffffffffffffffffffffffff"})
    restored = replaced.replace("f" * 32, "88b23ef135888d3d84ecb0b15fc8cf82")
    assert restored == document.front_matter
    digest = "88b23ef135888d3d84ecb0b15fc8cf82"
    without = document.front_matter.replace(f"source_hash: {digest}\n", "")
    added = FrontMatterEditor(without).with_new_key("source_hash", digest)
    assert added == document.front_matter


@pytest.mark.parametrize(
    ("text", "keys", "value", "expected"),
    [
        ("a: 1\nb:\nc: 3\n", ("b",), "x", "a: 1\nb: x\nc: 3\n"),
        ("a: 1\nb: \nc: 3\n", ("b",), "x", "a: 1\nb: x\nc: 3\n"),
        ("a: 'it''s'\n", ("a",), "don't", "a: 'don''t'\n"),
        ('a: "q"  # keep\n', ("a",), "r", 'a: "r"  # keep\n'),
        ("a: plain # keep\n", ("a",), "new", "a: new # keep\n"),
        ("a: |\n  block\n  text\nb: 1\n", ("a",), "one", 'a: "one"\nb: 1\n'),
        ("m:\n    deep: x\t\n", ("m", "deep"), "y", "m:\n    deep: y\t\n"),
        ("a: x\r\nb: y\r\n", ("b",), "z", "a: x\r\nb: z\r\n"),
        ("a: x", ("a",), "line\nbreak", 'a: "line\\nbreak"'),
    ],
)
def test_edit_cases(text: str, keys: tuple[str, ...], value: str, expected: str) -> None:
    edited = FrontMatterEditor(text).set_values({keys: value})
    assert edited == expected
    assert lookup(read_front_matter(edited, "x").data, keys) == value


def test_new_key_on_text_without_final_newline() -> None:
    assert FrontMatterEditor("a: 1").with_new_key("b", "two") == "a: 1\nb: two\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "b: two\n"), ("a: 1", "a: 1\nb: two\n"), ("a: 1\r\n", "a: 1\r\nb: two\r\n")],
)
def test_append_key_needs_no_editor(text: str, expected: str) -> None:
    assert (
        append_key(text, "b", "two") == expected == FrontMatterEditor(text).with_new_key("b", "two")
    )


def test_a_hash_that_yaml_would_read_as_a_number_is_quoted() -> None:
    edited = FrontMatterEditor("source_hash: x\n").set_values({("source_hash",): "1" * 32})
    assert edited == f'source_hash: "{"1" * 32}"\n'
    assert read_front_matter(edited, "x").data["source_hash"] == "1" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a:\tb\n", "a:\ty\n"),  # libyaml (and Jekyll) accept what ruamel.yaml rejects
        ("a: \u2028x\n", "a: \u2028y\n"),  # ruamel.yaml (YAML 1.2) takes what libyaml rejects
    ],
)
def test_editor_uses_whichever_composer_accepts_the_text(text: str, expected: str) -> None:
    assert FrontMatterEditor(text).set_values({("a",): "y"}) == expected


def test_editor_locates_invalid_yaml_in_the_file() -> None:
    with pytest.raises(ContentError) as caught:
        FrontMatterEditor("a: b\nc: [d\n", "_portfolio/x.md", first_line=2)
    assert str(caught.value.diagnostic).startswith("_portfolio/x.md:4:1: error: invalid YAML")


def test_setting_a_missing_path_is_an_error() -> None:
    with pytest.raises(KeyError):
        FrontMatterEditor("a: 1\n").set_values({("b",): "x"})
