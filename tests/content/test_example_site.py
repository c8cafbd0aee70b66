"""The bundled example clinic: it passes ``status --check`` and ``check``, ``polyfolio new``
writes it out whole, and every Greek file is its English source with only the text translated."""

from __future__ import annotations

import glob
import re
import shutil
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from PIL import Image
from shared_data import REPO, SEEDS, require

from polyfolio.check import check_site
from polyfolio.cli import main
from polyfolio.content.config import load_config
from polyfolio.content.document import Document, md5_hex, parse_document
from polyfolio.content.site import Site, load_site
from polyfolio.scaffold import GENERATED, example_root, write_example
from polyfolio.translate.status import State, site_status

SITE = example_root()
PORTFOLIO = SITE / "_portfolio"
TERMS = REPO / "tests" / "fixtures" / "content" / "clinic_terms.yml"

TRANSLATABLE = frozenset({"caption.title", "caption.subtitle", "title", "subtitle", "alt"})
REQUIRED_IDS = {"botulinum-treatment", "anti-wrinkle-treatment"}
# A body line: its layout (indentation, list marker, TAB, heading #s) | its text | trailing blanks.
BODY_LINE = re.compile(r"^([ \t]*(?:[-*+][ \t]+|#{1,6}[ \t]+)?)(.*?)([ \t]*)$")
# Inline markup a translation must carry over unchanged: emphasis markers, link targets, IALs.
MARKUP = re.compile(r"\*\*|\]\([^)]*\)|\{:[^}]*\}|`")
FRONT_LINE = re.compile(r"^( *)([A-Za-z_]+):( ?)(.*?)( *)$")
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def english_files() -> list[Path]:
    return sorted(p for p in PORTFOLIO.glob("*.md") if not p.name.endswith(".gr.md"))


def pairs() -> list[tuple[Path, Path]]:
    return [(en, en.with_name(en.stem + ".gr.md")) for en in english_files()]


def read(path: Path) -> Document:
    return parse_document(path.name, path.read_bytes())


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(SITE)


# --- the site as a whole --------------------------------------------------------------------


def test_the_example_has_at_least_six_treatments_in_both_languages(site: Site) -> None:
    assert not site.problems
    assert set(site.groups) >= REQUIRED_IDS
    assert len(site.groups) >= 6
    for page_id, versions in site.groups.items():
        assert set(versions) == {"en", "gr"}, page_id


def test_every_translation_is_current(site: Site) -> None:
    entries = site_status(site)
    assert len(entries) == len(site.groups)
    assert {e.state for e in entries} == {State.CURRENT}


def test_status_check_and_check_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(SITE), "--check"]) == 0
    assert main(["check", str(SITE)]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_check_finds_no_errors(site: Site) -> None:
    assert [str(d) for d in check_site(site) if d.is_error] == []


def test_config_declares_languages_and_bcp47() -> None:
    config = load_config(SITE)
    assert config.url.startswith("https://") and config.url.endswith(".test")
    assert config.baseurl == ""
    assert config.raw["collections"] == {"portfolio": {"output": "true"}}  # scalars stay text
    assert (config.source_lang, config.languages) == ("en", ("en", "gr"))
    assert config.codes.to_bcp47("gr") == "el"


def test_the_commented_translate_example_is_valid_once_uncommented(tmp_path: Path) -> None:
    from polyfolio.translate.settings import load_translate_settings

    text = (SITE / "_config.yml").read_text(encoding="utf-8")
    assert "  # translate:\n" in text
    (tmp_path / "_config.yml").write_text(re.sub(r"(?m)^  # ( *\S)", r"  \1", text))
    settings = load_translate_settings(load_config(tmp_path))
    assert settings.engine == "pseudo"
    assert [entry.targets["gr"] for entry in settings.glossary] == [
        "βοτουλινική τοξίνη",
        "πόδια της χήνας",
    ]
    assert "Clostridium botulinum" in settings.do_not_translate


def test_sitetext_has_portfolio_and_contact_texts_per_language() -> None:
    text = yaml.safe_load((SITE / "_data" / "sitetext.yml").read_text(encoding="utf-8"))
    for lang in ("en", "gr"):
        for section in ("portfolio", "contact"):
            for key in ("title", "text"):
                value = text[lang][section][key]
                assert isinstance(value, str) and value.strip(), (lang, section, key)
                assert bool(GREEK.search(value)) == (lang == "gr"), value


@pytest.mark.parametrize("en", english_files(), ids=lambda p: p.stem)
def test_images_are_webp_1200x900_and_small(site: Site, en: Path) -> None:
    item = site.source_of(en.stem)
    assert item is not None
    assert item.data["image"] == item.data["caption"]["thumbnail"]
    path = SITE / item.data["image"]
    assert path.suffix == ".webp" and path.stat().st_size < 60_000
    with Image.open(path) as image:
        assert (image.format, image.size) == ("WEBP", (1200, 900))
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or ()) > 1000


# --- the layout the seeds show --------------------------------------------------------------


def test_the_sources_show_the_seeds_layout_quirks() -> None:
    texts = [p.read_bytes().decode("utf-8") for p in english_files()]
    assert all(
        t.startswith("---\n\ncaption: #what displays in the portfolio grid:\n") for t in texts
    )
    assert all("\n  \n#what displays when the item is clicked:\n" in t for t in texts)
    assert all("source_hash" not in t and "\nlang: en\n" in t for t in texts)
    assert any("\nsubtitle: \n" in t for t in texts)
    assert any(re.search(r"\nsubtitle: \S", t) for t in texts)
    assert any("\n   -\t" in t for t in texts) and any("\n  -\t" in t for t in texts)
    assert any(re.search(r"\S  \n", t) for t in texts)
    assert any(not t.endswith("\n") for t in texts) and any(t.endswith("\n") for t in texts)
    assert any("**" in t and "](mailto:" in t and "\n{:.list-inline}\n" in t for t in texts)
    assert all(1200 <= len(read(p).body.encode("utf-8")) <= 3000 for p in english_files())


# --- each Greek file is its source with only the text translated ---------------------------


@dataclass(frozen=True, slots=True)
class FrontLine:
    path: str  # dotted key path, "" for comments and blank lines
    layout: tuple[str, ...]  # everything but the value
    value: str


def front_lines(front_matter: str) -> Iterator[FrontLine]:
    parent = ""
    for line in front_matter.removesuffix("\n").split("\n"):
        match = FRONT_LINE.match(line)
        if match is None or line.lstrip().startswith("#"):
            yield FrontLine("", (line,), "")
            continue
        indent, key, space, value, trail = match.groups()
        if not indent:
            parent = key
        path = f"{parent}.{key}" if indent else key
        yield FrontLine(path, (indent, key, space, trail), value)


@pytest.mark.parametrize(("en", "gr"), pairs(), ids=lambda p: p.name)
def test_greek_front_matter_differs_only_in_translatable_values(en: Path, gr: Path) -> None:
    source, target = read(en), read(gr)
    assert (target.bom, target.opening, target.closing) == (
        source.bom,
        source.opening,
        source.closing,
    )
    theirs = list(front_lines(target.front_matter))
    assert theirs[-1].path == "source_hash" and theirs[-1].value == md5_hex(en.read_bytes())
    ours = list(front_lines(source.front_matter))
    assert len(theirs) == len(ours) + 1
    for mine, translated in zip(ours, theirs, strict=False):
        assert (translated.path, translated.layout) == (mine.path, mine.layout)
        if mine.path == "lang":
            assert (mine.value, translated.value) == ("en", "gr")
        elif mine.path in TRANSLATABLE and mine.value:
            assert translated.value and translated.value != mine.value, mine.path
        else:
            assert translated.value == mine.value, mine.path


@pytest.mark.parametrize(("en", "gr"), pairs(), ids=lambda p: p.name)
def test_greek_body_keeps_every_line_layout_and_markup(en: Path, gr: Path) -> None:
    source, target = read(en).body.split("\n"), read(gr).body.split("\n")
    assert len(target) == len(source)
    for number, (mine, translated) in enumerate(zip(source, target, strict=True), start=1):
        where = f"{gr.name} body line {number}"
        prefix, text, trail = _split(mine)
        assert _split(translated)[0::2] == (prefix, trail), where
        assert MARKUP.findall(translated) == MARKUP.findall(mine), where
        if LATIN_WORD.search(MARKUP.sub("", text)):
            assert _split(translated)[1] != text, where
        else:
            assert translated == mine, where


@pytest.mark.parametrize(("en", "gr"), pairs(), ids=lambda p: p.name)
def test_the_target_writer_rebuilds_each_greek_file_from_its_texts(en: Path, gr: Path) -> None:
    """The Greek files are exactly what the translation writer produces from their texts."""
    from polyfolio.translate.segments import segment_document
    from polyfolio.translate.target import build_target, read_target_texts

    source = segment_document(read(en))
    texts = read_target_texts(source, read(gr))
    assert texts is not None
    rebuilt = build_target(source, texts, lang="gr", source_hash=md5_hex(en.read_bytes()))
    assert rebuilt.to_bytes() == gr.read_bytes()


def test_one_english_text_has_one_greek_translation() -> None:
    seen: dict[str, str] = {}
    repeated = 0
    for english, greek in _aligned_texts():
        if english in seen:
            repeated += 1
            assert greek == seen[english], english
        else:
            seen[english] = greek
    assert repeated >= 2  # the example exercises the consistency a translation memory gives


def test_greek_text_is_greek() -> None:
    # Only a device name has no Greek word in it; everything else must be really translated.
    untranslated = [greek for _, greek in _aligned_texts() if not GREEK.search(greek)]
    assert untranslated == ["Laser Nd:YAG:"]


def test_greek_uses_the_right_medical_terms() -> None:
    terms = yaml.safe_load(TERMS.read_text(encoding="utf-8"))
    checked = 0
    for english, greek in _aligned_texts():
        plain = _plain(greek)
        for term in terms:
            assert not any(_plain(bad) in plain for bad in term["never"]), (greek, term)
            if term["en"] in english.lower():
                checked += 1
                assert any(_plain(good) in plain for good in term["gr"]), (greek, term["en"])
    assert checked >= len(terms)


def test_no_seed_text_is_reused() -> None:
    """The seeds are test data of their own; the example is written from scratch."""
    seeds = {
        line.strip()
        for path in sorted(require(SEEDS).glob("*.md"))
        for line in read(path).body.split("\n")
        if len(line.strip()) >= 25
    }
    ours = {line.strip() for path in PORTFOLIO.glob("*.md") for line in read(path).body.split("\n")}
    assert seeds
    assert not seeds & ours


def _aligned_texts() -> Iterator[tuple[str, str]]:
    """(English text, Greek text) of every translatable value and body line."""
    for en, gr in pairs():
        source, target = read(en), read(gr)
        for mine, translated in zip(
            front_lines(source.front_matter), front_lines(target.front_matter), strict=False
        ):
            if mine.path in TRANSLATABLE and mine.value:
                yield mine.value, translated.value
        for mine_line, translated_line in zip(
            source.body.split("\n"), target.body.split("\n"), strict=True
        ):
            if LATIN_WORD.search(MARKUP.sub("", mine_line)):
                yield _split(mine_line)[1], _split(translated_line)[1]


def _split(line: str) -> tuple[str, str, str]:
    match = BODY_LINE.match(line)
    assert match is not None
    prefix, text, trail = match.groups()
    return prefix, text, trail


def _plain(text: str) -> str:
    """Lower case without accents, so a term matches in any case and inflection stress."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- polyfolio new -----------------------------------------------------------------------------


def test_new_writes_a_site_that_passes_status_and_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "my-clinic"
    assert main(["new", str(target)]) == 0
    assert f"to {target}" in capsys.readouterr().out
    for path in _content_files(SITE):
        assert (target / path).read_bytes() == (SITE / path).read_bytes(), path
    assert _content_files(target) == _content_files(SITE)
    assert main(["status", str(target), "--check"]) == 0
    assert main(["check", str(target)]) == 0


def test_new_into_an_empty_folder_works(tmp_path: Path) -> None:
    assert write_example(tmp_path) == len(_content_files(SITE))


@pytest.mark.parametrize("existing", ["notes.txt", "_portfolio/x.md"])
def test_new_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], existing: str
) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine")
    assert main(["new", str(tmp_path)]) == 1
    assert f"{tmp_path}:1:1: error: folder is not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(Path(existing).parts)
    assert (tmp_path / existing).read_text() == "mine"


def test_new_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site").write_text("mine")
    assert main(["new", str(tmp_path / "site")]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err


def test_new_leaves_build_output_and_caches_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = tmp_path / "example"
    shutil.copytree(SITE, example, ignore=shutil.ignore_patterns(*GENERATED))
    left_behind = [
        "_site/index.html",
        ".polyfolio-cache/x",
        ".polyfolio/cache/front-matter",
        ".polyfolio/translate.lock",
        ".polyfolio/memory.sqlite-journal",
    ]
    for rel in left_behind:
        (example / rel).parent.mkdir(parents=True, exist_ok=True)
        (example / rel).write_text("old output")
    monkeypatch.setattr("polyfolio.scaffold.example_root", lambda: example)
    write_example(tmp_path / "new")
    assert not any((tmp_path / "new" / rel).exists() for rel in left_behind)
    assert (tmp_path / "new" / ".polyfolio" / "memory.sqlite").is_file()
    assert _content_files(tmp_path / "new") == _content_files(SITE)


def test_package_data_ships_every_example_file() -> None:
    """setuptools expands package-data globs recursively from the package folder and skips
    hidden names, so every content file must match a glob and none may be hidden."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["polyfolio"]
    package = REPO / "polyfolio"
    shipped = {
        Path(name)
        for pattern in patterns
        for name in glob.glob(pattern, root_dir=package, recursive=True)
        if (package / name).is_file()
    }
    example = SITE.relative_to(package)
    wanted = {example / path for path in _content_files(SITE)}
    assert wanted <= shipped


def _content_files(root: Path) -> set[Path]:
    """The example's files, without what builds leave behind."""
    return {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file()
        and not set(path.relative_to(root).parts) & GENERATED
        and not path.name.endswith("-journal")
    }
