"""Site discovery: identity, language, grouping, config."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from polyfolio.content import site as site_module
from polyfolio.content.config import load_config
from polyfolio.content.site import load_site
from polyfolio.diagnostics import ContentError
from tests.shared_data import write_site

ITEM = "---\ntitle: T\n{extra}---\nBody\n"


def _item(extra: str = "") -> str:
    return ITEM.format(extra=extra)


@pytest.mark.parametrize(
    ("rel", "extra", "page_id", "lang", "lang_from"),
    [
        ("_portfolio/a.md", "", "a", "en", "source language"),
        ("_portfolio/a.gr.md", "", "a", "gr", "path"),
        ("_portfolio/gr/a.md", "", "a", "gr", "path"),
        ("_portfolio/deep/er/a.el.md", "", "a", "el", "path"),
        ("_portfolio/gr/a.md", "lang: de\n", "a", "de", "lang"),
        ("_portfolio/x.md", "page_id: shared\nlang: gr\n", "shared", "gr", "lang"),
        ("_portfolio/v1.2.md", "", "v1.2", "en", "source language"),
        ("_portfolio/pt-BR/a.markdown", "", "a", "pt-BR", "path"),
        ("_portfolio/a.md", "page_id: '  '\n", "a", "en", "source language"),
    ],
)
def test_identity_and_language(
    tmp_path: Path, rel: str, extra: str, page_id: str, lang: str, lang_from: str
) -> None:
    site = load_site(write_site(tmp_path, {rel: _item(extra)}))
    assert [(i.page_id, i.lang, i.lang_from) for i in site.items] == [(page_id, lang, lang_from)]
    assert site.problems == []


def test_groups_translations_by_page_id_and_lists_languages(tmp_path: Path) -> None:
    site = load_site(
        write_site(
            tmp_path,
            {
                "_portfolio/en/one.md": _item(),
                "_portfolio/gr/one.md": _item(),
                "_portfolio/two.md": _item("page_id: one-b\n"),
                "_portfolio/two.de.md": _item("page_id: one-b\n"),
                "_portfolio/notes.txt": "not an item",
            },
        )
    )
    assert sorted(site.groups) == ["one", "one-b"]
    assert sorted(site.groups["one"]) == ["en", "gr"]
    assert site.languages == ("en", "de", "gr")
    assert site.target_languages == ("de", "gr")
    assert site.source_of("one-b") is not None


def test_configured_languages_and_collection(tmp_path: Path) -> None:
    root = write_site(
        tmp_path,
        {
            "_config.yml": "polyfolio:\n  source_lang: gr\n  languages: [en]\n  collection: work\n",
            "_work/a.md": _item("lang: gr\n"),
            "_portfolio/ignored.md": _item(),
        },
    )
    site = load_site(root)
    assert site.languages == ("gr", "en")
    assert [i.rel for i in site.items] == ["_work/a.md"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("polyfolio: [1]\n", "_config.yml:1:12: error: 'polyfolio' must be a mapping of settings"),
        (
            "title: x\npolyfolio:\n  languages: en\n",
            "_config.yml:3:14: error: polyfolio.languages must be a list of language codes",
        ),
        (
            "polyfolio:\n  bcp47:\n    gr: greek\n",
            "_config.yml:3:9: error: 'greek' is not a valid BCP 47 language tag",
        ),
        (
            "polyfolio:\n  source_lang: ''\n",
            "_config.yml:2:16: error: polyfolio.source_lang must be a non-empty text",
        ),
        ("title: [x\n", "_config.yml:2:1: error: invalid YAML: did not find expected ',' or ']'"),
        ("- a\n", "_config.yml:1:1: error: _config.yml must be a mapping"),
    ],
)
def test_bad_config_is_located(tmp_path: Path, config: str, message: str) -> None:
    write_site(tmp_path, {"_config.yml": config})
    with pytest.raises(ContentError) as caught:
        load_config(tmp_path)
    assert str(caught.value.diagnostic) == message


def test_config_values_and_bcp47_override(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "_config.yml": "title: Clinic\nurl: https://x.test/\nbaseurl: /sub/\n"
            "polyfolio:\n  bcp47: {gr: el-GR}\n"
        },
    )
    config = load_config(tmp_path)
    assert (config.title, config.url, config.baseurl) == ("Clinic", "https://x.test", "/sub")
    assert config.codes.to_bcp47("gr") == "el-GR"
    assert config.codes.to_bcp47("en") == "en"


def test_symlink_out_of_the_site_is_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(_item(), encoding="utf-8")
    root = write_site(tmp_path / "site", {"_portfolio/a.md": _item()})
    (root / "_portfolio" / "evil.md").symlink_to(outside)
    site = load_site(root)
    assert [i.rel for i in site.items] == ["_portfolio/a.md"]
    assert [str(p) for p in site.problems] == [
        "_portfolio/evil.md:1:1: warning: symlink leads outside the site; skipped"
    ]


def test_front_matter_cache_never_serves_a_changed_file(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"_portfolio/a.md": _item("page_id: first\n")})
    assert load_site(root).items[0].page_id == "first"
    assert (root / ".polyfolio" / "cache").is_dir()
    assert (root / ".polyfolio" / ".gitignore").read_text(encoding="utf-8").endswith("cache/\n")
    (root / "_portfolio" / "a.md").write_text(_item("page_id: second\n"), encoding="utf-8")
    assert load_site(root).items[0].page_id == "second"


def test_cached_item_still_reports_duplicate_keys(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"_portfolio/a.md": "---\ntitle: A\ntitle: B\n---\n"})
    first = [str(p) for p in load_site(root).problems]
    second = [str(p) for p in load_site(root).problems]
    assert first == second == ["_portfolio/a.md:3:1: error: duplicate key 'title'"]


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"_portfolio/a.md": _item()})
    load_site(root)
    caches = [path for path in (root / ".polyfolio" / "cache").rglob("*") if path.is_file()]
    assert caches
    for cache in caches:
        cache.write_bytes(b"\x00garbage")
    assert [i.page_id for i in load_site(root).items] == ["a"]


def test_an_edit_rewrites_only_the_cache_shards_of_its_old_and_new_md5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_site(
        tmp_path, {f"_portfolio/i{n}.md": _item(f"page_id: p{n}\n") for n in range(60)}
    )
    load_site(root)
    shards = root / ".polyfolio" / "cache" / "front-matter"
    before = {path.name: path.stat().st_ino for path in shards.iterdir()}
    assert len(before) == 16  # sixty files fill every shard
    edited = root / "_portfolio" / "i7.md"
    old_md5 = hashlib.md5(edited.read_bytes()).hexdigest()
    edited.write_text(_item("page_id: edited\n"), encoding="utf-8")
    new_md5 = hashlib.md5(edited.read_bytes()).hexdigest()
    assert {i.page_id for i in load_site(root).items} == {f"p{n}" for n in range(60) if n != 7} | {
        "edited"
    }
    after = {path.name: path.stat().st_ino for path in shards.iterdir()}
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert rewritten == {f"{old_md5[0]}.marshal", f"{new_md5[0]}.marshal"}
    # and the shards serve the next load whole: nothing is parsed again
    monkeypatch.setattr(site_module, "_parse_front_matter", _no_parsing)
    assert len(load_site(root).items) == 60


def _no_parsing(rel: str, raw: bytes) -> None:
    raise AssertionError(f"{rel} parsed again")


def test_the_single_cache_file_of_earlier_versions_is_removed(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"_portfolio/a.md": _item()})
    retired = root / ".polyfolio" / "cache" / "front-matter.marshal"
    retired.parent.mkdir(parents=True)
    retired.write_bytes(b"old")
    load_site(root)
    assert not retired.exists()


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 9):
        refs = ", ".join([f"*{chr(96 + level)}"] * 10)
        bomb += f"{chr(97 + level)}: &{chr(97 + level)} [{refs}]\n"
    bomb += "---\n"
    site = load_site(write_site(tmp_path, {"_portfolio/bomb.md": bomb}))
    assert site.items == []
    assert "alias bomb" in str(site.problems[0])


def test_front_matter_keys_are_one_object_across_files(tmp_path: Path) -> None:
    # The caches then store each key name once (marshal writes a shared object once).
    root = write_site(
        tmp_path,
        {f"_portfolio/{n}.md": f"---\ncaption:\n  title: {n}\nlang: en\n---\n" for n in "ab"},
    )
    first, second = (item.data for item in load_site(root).items)
    assert [id(key) for key in first] == [id(key) for key in second]
    assert [id(key) for key in first["caption"]] == [id(key) for key in second["caption"]]
