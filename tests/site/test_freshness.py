"""The no-change rebuild: taken only when nothing a build depends on changed, and then it
reports what a full rebuild would have reported."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from polyfolio import cli, processes
from polyfolio.content import listing
from polyfolio.content import site as content_site
from polyfolio.content.stamps import Stamp
from polyfolio.site import freshness
from polyfolio.site.build import build_site
from polyfolio.site.freshness import Watch
from polyfolio.site.result import BuildResult
from tests.shared_data import write_site
from tests.site import sites
from tests.site.test_rebuild import cold_build, tree


def _summary(result: BuildResult) -> tuple[object, ...]:
    return (
        result.diagnostics,
        result.pages,
        result.images_made + result.images_reused,
        result.written,
        result.unchanged,
        result.deleted,
    )


def _record(root: Path, out: Path) -> Path:
    return Watch(root, out).record_path


def test_a_no_change_rebuild_reports_what_a_full_one_would(tmp_path: Path) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    first = build_site(root, out)
    assert [d.level.value for d in first.diagnostics] == ["warning"]  # kept Liquid
    _record(root, out).unlink()  # the next build cannot take the short cut
    full = build_site(root, out)
    fast = build_site(root, out)
    assert not full.reused_whole and fast.reused_whole
    assert _summary(fast) == _summary(full)
    assert fast.groups_rendered == fast.bodies_rendered == 0


def test_a_build_with_errors_is_never_reused(tmp_path: Path) -> None:
    broken = sites.ALPHA_EN.replace("assets/img/alpha.png", "assets/img/missing.png")
    root = sites.make_site(tmp_path / "site", {"_portfolio/alpha.md": broken})
    first = build_site(root, tmp_path / "out")
    again = build_site(root, tmp_path / "out")
    assert not first.ok and not again.reused_whole
    assert again.diagnostics == first.diagnostics


def _damaged(record: bytes) -> bytes:
    """A record of the right format with the wrong contents."""
    payload = marshal.loads(record)
    payload["inputs"] = [1, 2]
    payload["collection"] = {"files": None}
    return marshal.dumps(payload)


def _without_result(record: bytes) -> bytes:
    """A record that stands in every way but has no result to repeat (found by review: this
    was an internal error)."""
    payload = marshal.loads(record)
    del payload["result"]
    return marshal.dumps(payload)


@pytest.mark.parametrize(
    "damage",
    [lambda _: b"", lambda _: b"\x00\x01", lambda _: b"{not marshal", _damaged, _without_result],
    ids=["empty", "binary", "text", "damaged", "no-result"],
)
def test_a_corrupt_record_means_a_full_build(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    record = _record(root, out)
    record.write_bytes(damage(record.read_bytes()))
    assert not build_site(root, out).reused_whole
    assert build_site(root, out).reused_whole


def test_each_output_folder_has_its_own_record(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "one")
    build_site(root, tmp_path / "two")
    assert build_site(root, tmp_path / "one").reused_whole
    assert build_site(root, tmp_path / "two").reused_whole


def test_the_record_of_a_removed_output_folder_is_dropped(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "one")
    build_site(root, tmp_path / "two")
    shutil.rmtree(tmp_path / "one")
    build_site(root, tmp_path / "three")
    records = {path.name for path in _record(root, tmp_path).parent.glob("build-*")}
    assert records == {_record(root, tmp_path / out).name for out in ("two", "three")}


def test_an_image_outside_assets_is_watched(tmp_path: Path) -> None:
    item = sites.BETA_EN.replace("https://cdn.example/beta.jpg", "pictures/beta.png")
    root = sites.make_site(tmp_path / "site", {"_portfolio/beta.md": item})
    (root / "pictures").mkdir()
    Image.new("RGB", (300, 200), (10, 20, 30)).save(root / "pictures" / "beta.png")
    build_site(root, tmp_path / "out")
    Image.new("RGB", (300, 200), (200, 20, 30)).save(root / "pictures" / "beta.png")
    again = build_site(root, tmp_path / "out")
    assert not again.reused_whole and again.images_made == 1
    assert tree(tmp_path / "out") == cold_build(root, tmp_path / "cold")


def test_a_new_library_version_means_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    libraries = tmp_path / "site-packages"
    libraries.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(libraries)])
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    assert build_site(root, out).reused_whole
    (libraries / "markdown_lib-2.0.dist-info").mkdir()  # what installing a version does
    assert not build_site(root, out).reused_whole


def test_a_change_to_polyfolio_itself_means_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    write_site(package, {"site/pages.py": "X = 1\n", "site/templates/base.html": "<html>"})
    monkeypatch.setattr(freshness, "PACKAGE_DIR", package)
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    assert build_site(root, out).reused_whole
    write_site(package, {"site/templates/base.html": "<html lang>"})
    assert not build_site(root, out).reused_whole


def _build_command(root: Path, out: Path, module: str, setup: str = "") -> list[str]:
    """``polyfolio build`` in a new interpreter (after ``setup``), which then says whether
    ``module`` was imported."""
    script = (
        f"import sys; {setup}from polyfolio.cli import main; code = main(sys.argv[1:]); "
        f"print('imported' if {module!r} in sys.modules else 'not imported'); "
        "sys.exit(code)"
    )
    return [sys.executable, "-c", script, "build", str(root), "--out", str(out)]


def test_on_a_big_site_the_command_imports_the_build_while_a_child_checks(
    tmp_path: Path,
) -> None:
    """What a build needs is imported meanwhile (the child made slow enough for the first
    step to be taken), and the answer is the same."""
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    slow_child = (
        "import time; from polyfolio.site import freshness as f; f.PARALLEL_LISTING = 0; "
        "from polyfolio import processes; processes.usable_cores = lambda: 2; "
        "real = f._collection_stands; "
        "f._collection_stands = lambda *a: time.sleep(0.5) or real(*a); "
    )
    command = _build_command(root, out, "yaml", slow_child)
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[-1] == second.stdout.splitlines()[-1] == "imported"
    assert " 0 files written" in second.stdout and second.stderr == first.stderr
    _edit(root)
    third = subprocess.run(command, capture_output=True, text=True, check=True)
    assert " 1 files written" in third.stdout  # the edited page
    assert tree(out) == cold_build(root, tmp_path / "cold")


def test_a_module_that_fails_to_import_ahead_fails_no_build_that_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by review: the import steps raised out of a check whose answer is "nothing
    changed", which the check without a child gives whatever the libraries."""
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    _slow_child(monkeypatch)
    monkeypatch.setattr(cli, "_BUILD_IMPORTS", ("polyfolio_no_such_module", "yaml"))
    assert cli.main(["build", str(root), "--out", str(out)]) == cli.EXIT_OK
    assert " 0 files written" in capsys.readouterr().out


def _same_tick(stat: os.stat_result) -> Stamp:
    """A stamp as if every edit fell in the clock tick of the last write (see test_stamps)."""
    return (stat.st_size, stat.st_mtime_ns, 0, stat.st_mtime_ns)


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("_config.yml", "Mini Clinic", "Mini Clinix"),
        ("_portfolio/alpha.md", "Someone", "Sameone"),
        ("_data/sitetext.yml", "Pick one.", "Pick two."),
    ],
)
def test_an_edit_in_the_same_clock_tick_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rel: str, old: str, new: str
) -> None:
    """Nothing in the stat changes: only the content hash kept for racy entries sees it."""
    monkeypatch.setattr(freshness, "stamp_of", _same_tick)
    monkeypatch.setattr(listing, "stamp_of", _same_tick)
    monkeypatch.setattr(content_site, "stamp_of", _same_tick)
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    path = root / rel
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert not build_site(root, out).reused_whole
    assert tree(out) == cold_build(root, tmp_path / "cold")


def test_the_command_answers_without_importing_the_build(tmp_path: Path) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    command = _build_command(root, out, "polyfolio.site.build")
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[-1] == "imported"
    assert second.stdout.splitlines()[-1] == "not imported"
    assert second.stdout.split(",")[0] == first.stdout.split(",")[0]  # "built N pages"
    assert (
        " 0 files written" in second.stdout and "warning: Liquid" in second.stdout + second.stderr
    )
    assert second.stderr == first.stderr


def _judged(root: Path, out: Path, steps: list[float] | None = None) -> tuple[object, ...]:
    """What a fresh check says of the last build: whether it stands, the collection as listed,
    what the one-item rebuild would take from the record; with ``steps`` (where each step taken
    is noted; a step takes 1 ms), judged on a big site: by a child while they are taken."""
    watch = Watch(root, out)
    meanwhile = [] if steps is None else [partial(_step, steps, 0.001)] * 1000
    reused = watch.reuse(meanwhile=meanwhile)
    listing = None if reused else watch.listing  # (no build follows: not needed)
    files = None if listing is None else (listing.folder, listing.files, listing.outside)
    return reused is not None, files, watch.last_collection()


def _edit(root: Path) -> None:
    path = root / "_portfolio" / "alpha.md"
    path.write_text(path.read_text("utf-8").replace("Someone", "Someone else"), "utf-8")


def _add(root: Path) -> None:
    (root / "_portfolio" / "new.md").write_text("---\ntitle: New\n---\nNew.\n", "utf-8")


def _remove(root: Path) -> None:
    (root / "_portfolio" / "beta.md").unlink()


def _drop_output(root: Path) -> None:
    next((root.parent / "out").rglob("*.html")).unlink()


def _edit_config(root: Path) -> None:
    path = root / "_config.yml"
    path.write_text(path.read_text("utf-8").replace("Mini Clinic", "Maxi Clinic"), "utf-8")


def _edit_both(root: Path) -> None:
    _edit(root)
    _edit_config(root)


def _damage_record(root: Path) -> None:
    """Its inputs of the wrong type; the rest, which decides whether to fork, as written."""
    record = _record(root, root.parent / "out")
    payload = marshal.loads(record.read_bytes())
    payload["inputs"] = [1, 2]
    record.write_bytes(marshal.dumps(payload))


# A change, and what judging the last build then finds: it stands; the collection was listed
# for the build (kept only when all else stands); the one-item rebuild may start from it.
JUDGED: dict[str, tuple[Callable[[Path], object], bool, bool, bool]] = {
    "nothing": (lambda root: None, True, False, True),
    "edited": (_edit, False, True, True),
    "added": (_add, False, True, True),
    "removed": (_remove, False, True, True),
    "output-gone": (_drop_output, False, False, False),
    "config": (_edit_config, False, False, False),
    "edited-and-config": (_edit_both, False, False, False),
    "damaged-record": (_damage_record, False, False, False),
}


@pytest.mark.parametrize("case", JUDGED)
def test_a_big_site_is_judged_by_a_child_as_it_is_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """On a big site the check runs in a forked child while the caller's steps are taken,
    which stop when it answers; the verdict, the listing and what the one-item rebuild takes
    from the record are the ones judged here."""
    change, stands, listed, one_item = JUDGED[case]
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    change(root)
    here = _judged(root, out)
    assert (here[0], here[1] is not None, here[2] is not None) == (stands, listed, one_item)
    _forking(monkeypatch)
    children = _forks(monkeypatch)
    steps: list[float] = []
    assert _judged(root, out, steps) == here
    assert len(children) == 1 and len(steps) < 1000


def _forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every site big enough, and two cores to use (as on the machine the tests run on)."""
    monkeypatch.setattr(freshness, "PARALLEL_LISTING", 0)
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked from now on, as they are forked."""
    children: list[int] = []
    real = processes.Forked.__init__

    def noted(self: processes.Forked[Any, Any], *args: Any) -> None:
        real(self, *args)
        children.append(self.pid)

    monkeypatch.setattr(processes.Forked, "__init__", noted)
    return children


def test_steps_are_taken_while_the_child_judges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    _slow_child(monkeypatch)
    steps: list[float] = []
    watch = Watch(root, out)
    assert watch.reuse(meanwhile=[partial(_step, steps, 0.01)] * 1000) is not None
    assert 10 <= len(steps) < 1000


def _slow_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every site big, and its check made slow (the child runs it): steps are certainly taken."""
    real = freshness._collection_stands

    def slow(*args: Any) -> bool:
        time.sleep(0.5)
        return real(*args)

    monkeypatch.setattr(freshness, "_collection_stands", slow)
    _forking(monkeypatch)


def _step(steps: list[float], seconds: float) -> None:
    steps.append(time.perf_counter())
    time.sleep(seconds)


def test_a_child_that_dies_judging_has_it_judged_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    _edit(root)
    here = _judged(root, out)
    parent, real = os.getpid(), freshness._collection_stands

    def dies_in_a_child(*args: Any) -> bool:
        if os.getpid() != parent:
            os._exit(1)
        return real(*args)

    monkeypatch.setattr(freshness, "_collection_stands", dies_in_a_child)
    _forking(monkeypatch)
    children = _forks(monkeypatch)
    assert _judged(root, out, []) == here
    assert len(children) == 1


def test_an_interrupted_step_leaves_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = sites.make_site(tmp_path / "site"), tmp_path / "out"
    build_site(root, out)
    _slow_child(monkeypatch)
    children = _forks(monkeypatch)

    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Watch(root, out).reuse(meanwhile=[interrupted])
    assert len(children) == 1
    with pytest.raises(ChildProcessError):  # killed and waited for
        os.waitpid(children[0], os.WNOHANG)
