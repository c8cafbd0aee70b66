"""The one-item rebuild (:mod:`polyfolio.site.incremental`): after any edit it writes the same
tree and reports the same diagnostics as a cold build, and it is taken exactly when only
collection files changed since the last successful build."""

from __future__ import annotations

import json
import marshal
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyfolio.cli import main
from polyfolio.site.build import build_site
from polyfolio.site.output import MANIFEST
from polyfolio.site.result import BuildResult
from tests.site import sites
from tests.site.edits import Edit, both, delete_output, replace, write
from tests.site.test_rebuild import on_disk, tree

GAMMA = sites.BETA_EN.replace("page_id: beta", "page_id: gamma").replace("Beta", "Gamma")
DELTA = sites.BETA_EN.replace("page_id: beta", "page_id: delta").replace("Beta", "Delta")


def _status_after(edit: Edit) -> Edit:
    """An edit, then ``polyfolio status``, which re-takes the collection's stamps."""

    def both(root: Path) -> None:
        edit(root)
        main(["status", str(root)])

    return both


BODY = replace("_portfolio/alpha.md", "Client: Someone", "Client: Another")
EDITS: dict[str, Edit] = {
    "edit a body": BODY,
    "edit a card title": replace("_portfolio/gamma.md", "title: Gamma", "title: Gamma new"),
    "translate the missing item": write(
        "_portfolio/gr/beta.md", sites.BETA_EN.replace("page_id: beta", "page_id: beta\nlang: gr")
    ),
    "remove an item": lambda root: (root / "_portfolio" / "delta.md").unlink(missing_ok=True),
    "move a translation to another page_id": replace(
        "_portfolio/gr/alpha.md", "page_id: alpha", "page_id: beta"
    ),
    "change an item's lang": replace("_portfolio/gamma.md", "page_id: gamma", "lang: gr"),
    "edit then run status": _status_after(replace("_portfolio/beta.md", "Only", "Just")),
    "point an image at a missing file": replace(
        "_portfolio/alpha.md", "image: assets/img/alpha.png", "image: assets/img/gone.png"
    ),
    "edit the config and an item": both(
        replace("_config.yml", "Mini Clinic", "Renamed Clinic"),
        replace("_portfolio/beta.md", "Only", "Solely"),
    ),
    "delete an output page and edit an item": both(
        delete_output("portfolio/gamma/index.html"),
        replace("_portfolio/beta.md", "English", "British"),
    ),
    "delete the built home and edit an item": both(
        delete_output("index.html"), replace("_portfolio/delta.md", "English", "Welsh")
    ),
    "add an item": write("_portfolio/epsilon.md", GAMMA.replace("gamma", "epsilon")),
    "nothing": lambda root: None,
}


def make_site(root: Path) -> Path:
    return sites.make_site(root, {"_portfolio/gamma.md": GAMMA, "_portfolio/delta.md": DELTA})


def cold_build(root: Path, scratch: Path) -> tuple[dict[str, bytes], BuildResult]:
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch / "site", ignore=shutil.ignore_patterns(".polyfolio", "_site"))
    result = build_site(scratch / "site", scratch / "out")
    return tree(scratch / "out"), result


def only_collection_changed(before: Mapping[str, object], after: Mapping[str, object]) -> bool:
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    return bool(changed) and all(p.startswith("site/_portfolio/") for p in changed)


def relative(result: BuildResult, base: Path) -> list[str]:
    return [str(d).replace(str(base), "") for d in result.diagnostics]


def check_sequence(base: Path, names: list[str]) -> None:
    root = make_site(base / "site")
    out = base / "out"
    last = build_site(root, out)
    assert not last.narrowed
    for name in names:
        before = on_disk(base)
        EDITS[name](root)
        expected = only_collection_changed(before, on_disk(base)) and last.ok
        warm = build_site(root, out)
        cold_tree, cold = cold_build(root, base / "cold")
        assert tree(out) == cold_tree, f"after {name!r}"
        assert relative(warm, root) == relative(cold, base / "cold" / "site"), name
        assert warm.pages == cold.pages, name
        assert warm.narrowed == expected, f"after {name!r}"
        if warm.narrowed:
            assert warm.groups_examined < cold.groups_examined, name
        last = warm


def test_every_edit_in_turn(tmp_path: Path) -> None:
    check_sequence(tmp_path, list(EDITS))


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_after_a_clean_build(tmp_path: Path, name: str) -> None:
    check_sequence(tmp_path, [name, "edit a body"])


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=2, max_size=4))
def test_random_edit_sequences(tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> None:
    check_sequence(tmp_path_factory.mktemp("seq"), names)


def manifest(out: Path) -> dict[str, str]:
    files: dict[str, str] = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    return files


def forget_last_build(root: Path) -> None:
    for record in (root / ".polyfolio" / "cache").glob("build-*.marshal"):
        record.unlink()


@pytest.mark.parametrize(
    "edit", ["edit a body", "edit a card title", "translate the missing item", "remove an item"]
)
@pytest.mark.usefixtures("settled_stamps")
def test_site_file_keys_are_the_full_paths(tmp_path: Path, edit: str) -> None:
    """Home keys made from cached card keys equal those made from every card: a full build of
    the same files right after (the record forgotten) finds every site file up to date."""
    root = make_site(tmp_path / "site")
    out = tmp_path / "out"
    build_site(root, out)
    home = (out / "index.html").read_bytes()
    EDITS[edit](root)
    narrowed = build_site(root, out)
    assert narrowed.narrowed
    assert narrowed.groups_examined == (0 if edit == "remove an item" else 1)
    keys = manifest(out)
    forget_last_build(root)
    full = build_site(root, out)
    assert not full.narrowed and full.written == 0
    assert manifest(out) == keys
    if edit == "edit a card title":
        assert (out / "index.html").read_bytes() != home


def test_a_translation_moved_to_another_page_id_examines_both_groups(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    EDITS["move a translation to another page_id"](root)
    result = build_site(root, tmp_path / "out")
    assert result.narrowed and result.groups_examined == 2 and result.groups_rendered == 2


def test_a_missing_image_is_an_error_and_the_next_build_is_full(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    EDITS["point an image at a missing file"](root)
    broken = build_site(root, tmp_path / "out")
    assert broken.narrowed
    assert [d.message for d in broken.errors] == ["image not found: assets/img/gone.png"]
    BODY(root)
    assert not build_site(root, tmp_path / "out").narrowed  # no record of a failed build


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: record["collection"]["files"].update({"_portfolio/beta.md": None}),
        lambda record: record.update(taken="yesterday"),
        lambda record: record["collection"].update(files=[]),
    ],
    ids=["entry", "taken", "files"],
)
def test_a_damaged_record_means_the_full_path(
    tmp_path: Path, damage: Callable[[dict[str, Any]], None]
) -> None:
    root = make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    (record_path,) = (root / ".polyfolio" / "cache").glob("build-*.marshal")
    record = marshal.loads(record_path.read_bytes())
    damage(record)
    record_path.write_bytes(marshal.dumps(record))
    BODY(root)
    result = build_site(root, tmp_path / "out")
    assert result.ok and not result.narrowed
    assert tree(tmp_path / "out") == cold_build(root, tmp_path / "cold")[0]
