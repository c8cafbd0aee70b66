"""The output folder is not a shredder: unsafe folders are refused, only our files are deleted."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from polyfolio.cli import main
from polyfolio.site import output
from polyfolio.site.build import build_site
from polyfolio.site.output import MANIFEST, OutputRefused, check_output_folder
from tests.shared_data import write_site
from tests.site import sites

# Each case: a name and a function (site root) -> output folder that must be refused.
REFUSED: list[tuple[str, Callable[[Path], Path]]] = [
    ("the site itself", lambda root: root),
    ("a folder containing the site", lambda root: root.parent),
    ("the file system root", lambda root: Path("/")),
    ("the home folder", lambda root: Path.home()),
    ("inside the collection", lambda root: root / "_portfolio" / "out"),
    ("inside assets", lambda root: root / "assets" / "site"),
    ("a non-empty folder of the user's", lambda root: _users_folder(root)),
    ("a file", lambda root: _users_file(root)),
]


def _users_folder(root: Path) -> Path:
    folder = root.parent / "documents"
    folder.mkdir(exist_ok=True)
    (folder / "thesis.docx").write_text("precious")
    return folder


def _users_file(root: Path) -> Path:
    path = root.parent / "notes.txt"
    path.write_text("precious")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".polyfolio" not in p.parts
    }


@pytest.mark.parametrize(("name", "target"), REFUSED, ids=[name for name, _ in REFUSED])
def test_unsafe_output_folders_are_refused_untouched(
    tmp_path: Path, name: str, target: Callable[[Path], Path]
) -> None:
    root = sites.make_site(tmp_path / "site")
    out = target(root)
    before = snapshot(root.parent) if out != Path("/") and out != Path.home() else None
    with pytest.raises(OutputRefused):
        build_site(root, out)
    if before is not None:
        assert snapshot(root.parent) == before


def test_cli_refuses_with_a_message_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sites.make_site(tmp_path / "site")
    assert main(["build", str(root), "--out", str(root)]) == 1
    assert "refusing to build into" in capsys.readouterr().err


def test_empty_or_new_folders_are_accepted(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    (tmp_path / "empty").mkdir()
    assert check_output_folder(tmp_path / "empty", root, []) == (tmp_path / "empty").resolve()
    assert check_output_folder(tmp_path / "new" / "deeper", root, []).name == "deeper"


def test_rebuild_deletes_only_its_own_stale_files(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert build_site(root, out).ok
    (out / "my-notes.txt").write_text("mine")
    (out / "portfolio" / "mine.html").write_text("mine too")
    (root / "_portfolio" / "beta.md").unlink()

    result = build_site(root, out)

    assert sorted(result.deleted) == ["gr/portfolio/beta/index.html", "portfolio/beta/index.html"]
    assert not (out / "portfolio" / "beta").exists()
    assert (out / "my-notes.txt").read_text() == "mine"
    assert (out / "portfolio" / "mine.html").read_text() == "mine too"
    assert "portfolio/beta/index.html" not in (out / MANIFEST).read_text()


def test_rebuild_removes_the_dialog_fragments_of_an_earlier_version(tmp_path: Path) -> None:
    """Earlier builds wrote a ``fragment.html`` beside each item page; their manifest lists
    them, so the first build of this version deletes them and nothing else."""
    root = sites.make_site(tmp_path / "site")
    out = tmp_path / "out"
    assert build_site(root, out).ok
    fragments = [
        f"{lang}portfolio/{i}/fragment.html" for lang in ("", "gr/") for i in ("alpha", "beta")
    ]
    manifest = json.loads((out / MANIFEST).read_text())
    for rel in fragments:
        (out / rel).write_text('<article class="item"></article>\n')
        manifest["files"][rel] = "0" * 32
    (out / MANIFEST).write_text(json.dumps(manifest))

    result = build_site(root, out)

    assert sorted(result.deleted) == sorted(fragments)
    assert not list(out.rglob("fragment.html"))
    assert all((out / rel).with_name("index.html").is_file() for rel in fragments)
    assert "fragment.html" not in (out / MANIFEST).read_text()


def test_a_build_removes_the_body_cache_of_an_earlier_version(tmp_path: Path) -> None:
    """Earlier versions kept rendered bodies in .polyfolio/cache/bodies/; nothing reads them."""
    root = sites.make_site(tmp_path / "site")
    retired = root / ".polyfolio" / "cache" / "bodies"
    retired.mkdir(parents=True)
    (retired / "ab.marshal").write_bytes(b"old")
    kept = root / ".polyfolio" / "memory.sqlite"
    kept.write_bytes(b"the translation memory")
    assert build_site(root, tmp_path / "out").ok
    assert not retired.exists()
    assert kept.read_bytes() == b"the translation memory"
    assert (root / ".polyfolio" / "cache" / "pages.marshal").is_file()


def test_a_users_file_in_the_way_is_not_overwritten(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    out = tmp_path / "out"
    build_site(root, out)
    (out / "portfolio" / "beta" / "index.html").unlink()
    (root / "_portfolio" / "beta.md").unlink()
    build_site(root, out)  # beta is gone from the manifest now
    (out / "portfolio" / "beta").mkdir(parents=True, exist_ok=True)
    (out / "portfolio" / "beta" / "index.html").write_text("the user's page")
    write_site(root, {"_portfolio/beta.md": sites.BETA_EN})

    result = build_site(root, out)

    assert (out / "portfolio" / "beta" / "index.html").read_text() == "the user's page"
    assert any("was not written by polyfolio" in str(d) for d in result.errors)


def test_full_disk_is_a_clear_error_and_no_torn_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sites.make_site(tmp_path / "site")
    out = tmp_path / "out"
    build_site(root, out)
    before = (out / "portfolio" / "beta" / "index.html").read_bytes()
    (root / "_portfolio" / "beta.md").write_text(sites.BETA_EN.replace("Only", "Still only"))

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "write_derived", full)
    result = build_site(root, out)
    assert [str(d) for d in result.errors] == [
        f"{out.resolve()}/portfolio/beta/index.html:1:1: error: cannot write: "
        "No space left on device"
    ]
    assert (out / "portfolio" / "beta" / "index.html").read_bytes() == before
    monkeypatch.undo()
    assert main(["build", str(root), "--out", str(out)]) == 0
    assert "Still only" in (out / "portfolio" / "beta" / "index.html").read_text()
