"""A first build is staged beside its output folder and moved into place whole: the same files
as a build into an existing folder, written without a temp file each, and nothing left behind
when it fails; leftovers of killed builds are removed, those of running builds are not."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.processes import can_fork
from polyfolio.site import groups, output, staging
from polyfolio.site.build import build_site
from polyfolio.site.groups import PARALLEL_THRESHOLD
from polyfolio.site.output import MANIFEST
from polyfolio.site.preview import not_sources
from polyfolio.site.staging import staged
from tests.site import sites
from tests.site.test_output_folder import snapshot


def staging_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".polyfolio-staging-" in p.name)


@pytest.mark.usefixtures("settled_stamps")
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


def test_a_first_build_failing_beside_a_worker_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent's share of the pages fails while a forked worker writes the other share: the
    worker is stopped before the staging folder is removed, so it cannot make it again."""
    if not can_fork():
        pytest.skip("needs two cores and fork to split the pages")
    site = generate_site(tmp_path / "site", 2 * (PARALLEL_THRESHOLD + 40))
    parent, real, seen = os.getpid(), groups.render_group, []

    def broken_in_parent(job: groups.GroupJob, page_id: str) -> tuple[dict[str, bytes], list]:
        if os.getpid() == parent:
            seen.append(page_id)
            if len(seen) == 20:
                raise ContentError(error(Location("_portfolio/x.md"), "broken"))
        return real(job, page_id)

    monkeypatch.setattr(groups, "render_group", broken_in_parent)
    assert not build_site(site, tmp_path / "out").ok
    time.sleep(1)  # a worker left running would go on writing here
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_failed_first_build_removes_the_parent_folders_it_made(tmp_path: Path) -> None:
    broken = {"_polyfolio/templates/item_content.html": "<div>\n{% if %}\n</div>\n"}
    root = sites.make_site(tmp_path / "site", broken)
    assert not build_site(root, tmp_path / "a" / "b" / "out").ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_two_first_builds_into_one_folder_both_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The later one replaces the earlier one's output, as the later of two builds in place
    always did."""
    root = sites.make_site(tmp_path / "site")
    out = tmp_path / "out"
    publish, others = staging._publish, []

    def another_build_publishes_first(path: Path, dest: Path, manifest: str) -> None:
        if not others:
            others.append(None)  # (the other build publishes as usual)
            others[0] = build_site(root, out)
        publish(path, dest, manifest)

    monkeypatch.setattr(staging, "_publish", another_build_publishes_first)
    assert build_site(root, out).ok
    assert others[0] is not None and others[0].ok
    monkeypatch.undo()
    assert staging_folders(tmp_path) == []
    assert build_site(root, out).reused_whole  # a whole, recorded output


def test_another_builds_cleanup_cannot_take_a_folder_being_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between making the staging folder and locking it, another build cleans up leftovers:
    the folder is not yet under a name that cleanup looks at."""
    root = sites.make_site(tmp_path / "site")
    out = tmp_path / "out"
    lock = fcntl.flock

    def cleanup_first(fd: int, operation: int) -> None:
        staging._remove_leftovers(out, MANIFEST)
        lock(fd, operation)

    monkeypatch.setattr(staging.fcntl, "flock", cleanup_first)
    assert build_site(root, out).ok
    assert (out / "index.html").is_file()


def test_without_flock_or_with_a_long_name_the_build_writes_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sites.make_site(tmp_path / "site")
    long_name = tmp_path / ("x" * 240)  # a valid name; its staging name would be too long
    assert build_site(root, long_name).ok and (long_name / "index.html").is_file()

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(staging.fcntl, "flock", no_locks)
    assert build_site(root, tmp_path / "out").ok
    assert (tmp_path / "out" / "index.html").is_file()
    assert staging_folders(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir() if ".polyfolio-new-" in p.name] == []
