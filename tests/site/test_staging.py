"""A first build is staged beside its output folder and moved into place whole: the same files
as a build into an existing folder, written without a temp file each, and nothing left behind
when it fails; leftovers of killed builds are removed, those of running builds are not."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from polyfolio.diagnostics import ContentError
from polyfolio.site import output
from polyfolio.site.build import build_site
from polyfolio.site.output import MANIFEST
from polyfolio.site.preview import not_sources
from polyfolio.site.staging import staged
from tests.site import sites
from tests.site.test_output_folder import snapshot


def staging_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".polyfolio-staging-" in p.name)


def test_a_first_build_equals_a_build_into_an_existing_folder(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    existing = tmp_path / "existing"
    existing.mkdir()
    in_place = build_site(root, existing)
    staged_result = build_site(root, tmp_path / "new" / "out")

    assert staged_result.ok and in_place.ok
    assert snapshot(tmp_path / "new" / "out") == snapshot(existing)
    assert staged_result.written == in_place.written
    assert staging_folders(tmp_path / "new") == []
    assert staged_result.out == (tmp_path / "new" / "out").resolve()


def test_a_first_build_writes_pages_without_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The point of staging: no temp file and rename per page (only the manifest has them)."""
    root = sites.make_site(tmp_path / "site")
    through_temp: list[str] = []
    replace = output.write_derived

    def spy(path: Path, data: bytes) -> None:
        through_temp.append(path.name)
        replace(path, data)

    monkeypatch.setattr(output, "write_derived", spy)
    build_site(root, tmp_path / "out")
    assert set(through_temp) == {MANIFEST}

    through_temp.clear()
    (root / "_portfolio" / "beta.md").write_text(sites.BETA_EN.replace("Only", "Still only"))
    build_site(root, tmp_path / "out")  # in place now: a changed page goes through a temp file
    assert "index.html" in through_temp


def test_the_output_folder_gets_the_usual_mode(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    (tmp_path / "plain").mkdir()
    assert (tmp_path / "out").stat().st_mode == (tmp_path / "plain").stat().st_mode


def test_a_failed_first_build_leaves_no_output_folder(tmp_path: Path) -> None:
    broken = {"_polyfolio/templates/item_content.html": "<div>\n{% if %}\n</div>\n"}
    root = sites.make_site(tmp_path / "site", broken)
    result = build_site(root, tmp_path / "out")
    assert not result.ok
    assert not (tmp_path / "out").exists()
    assert staging_folders(tmp_path) == []


def test_an_interrupted_first_build_leaves_no_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt), staged(out, MANIFEST) as staging:
        assert staging is not None
        (staging / "index.html").write_text("half")
        raise KeyboardInterrupt
    assert not out.exists()
    assert staging_folders(tmp_path) == []


def test_leftovers_of_ended_builds_go_and_running_or_foreign_ones_stay(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    killed = tmp_path / ".out.polyfolio-staging-killed"
    (killed / "portfolio").mkdir(parents=True)
    (killed / MANIFEST).write_text("{}")
    (killed / "portfolio" / "index.html").write_text("<html>")
    empty = tmp_path / ".out.polyfolio-staging-empty"
    empty.mkdir()
    running = tmp_path / ".out.polyfolio-staging-running"
    running.mkdir()
    (running / MANIFEST).write_text("{}")
    foreign = tmp_path / ".out.polyfolio-staging-foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("the user's")
    users = tmp_path / "users"
    users.mkdir()
    (users / MANIFEST).write_text("{}")
    (tmp_path / ".out.polyfolio-staging-link").symlink_to(users)
    other = tmp_path / ".elsewhere.polyfolio-staging-killed"  # another output folder's
    other.mkdir()
    (other / MANIFEST).write_text("{}")

    lock = os.open(running, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build still writing there
        assert build_site(root, tmp_path / "out").ok
    finally:
        os.close(lock)

    assert staging_folders(tmp_path) == [
        other.name,
        foreign.name,
        ".out.polyfolio-staging-link",
        running.name,
    ]
    assert (foreign / "notes.txt").read_text() == "the user's"
    assert (users / MANIFEST).is_file()


def test_an_output_folder_made_during_the_build_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ContentError) as caught, staged(out, MANIFEST) as staging:
        assert staging is not None
        (staging / "index.html").write_text("<html>")
        out.mkdir()
        (out / "thesis.docx").write_text("precious")
    assert str(caught.value.diagnostic).startswith(f"{out}:1:1: error: cannot put the new site")
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    assert staging_folders(tmp_path) == []


def test_an_existing_output_folder_is_written_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with staged(out, MANIFEST) as staging:
        assert staging is None


def test_the_dev_server_ignores_a_staging_folder_in_the_site(tmp_path: Path) -> None:
    ignored = not_sources(tmp_path)
    assert ignored(tmp_path / "._site.polyfolio-staging-1a2b" / "portfolio" / "index.html")
    assert ignored(tmp_path / "_site" / "index.html")
    assert not ignored(tmp_path / "_portfolio" / "alpha.md")
    assert not ignored(tmp_path / "_portfolio" / ".x.polyfolio-staging-1" / "alpha.md")
