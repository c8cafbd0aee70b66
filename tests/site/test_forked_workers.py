"""What forked workers share: the libraries pages and images are made with are imported, and
every template compiled, in the parent before it forks (each worker would otherwise pay for its
own, ~40 ms), both while a second process reads files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio import processes
from polyfolio.content import readahead
from polyfolio.site import build, groups
from polyfolio.site.build import build_site
from polyfolio.site.groups import PARALLEL_THRESHOLD
from polyfolio.site.theme import Theme
from tests.site.test_output_folder import snapshot


def test_a_first_build_prepares_everything_workers_share_while_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    files = max(2 * (PARALLEL_THRESHOLD + 40), readahead.PARALLEL_THRESHOLD + 100)
    site = generate_site(tmp_path / "site", files)
    events: list[str] = []
    real_read, real_import = readahead.run_shared, build.importlib.import_module
    real_load, real_fork = Theme.load_all, groups.run_shared

    def read(*args: object, **kwargs: object) -> object:
        events.append("read")
        try:
            return real_read(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            events.append("read done")

    def import_module(name: str) -> object:
        if "import" not in events:  # the first import (what comes after is already there)
            events.append("import")
        return real_import(name)

    def load_all(self: Theme) -> None:
        events.append("templates")
        real_load(self)

    def run_shared(*args: object, **kwargs: object) -> object:
        events.append("render")
        return real_fork(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readahead, "run_shared", read)
    monkeypatch.setattr(build.importlib, "import_module", import_module)
    monkeypatch.setattr(Theme, "load_all", load_all)
    monkeypatch.setattr(groups, "run_shared", run_shared)
    assert build_site(site, tmp_path / "out").ok
    # Made while reading; render_groups asks again (it also runs when nothing was read).
    assert events == ["read", "import", "templates", "read done", "templates", "render"]


def test_a_broken_template_found_while_reading_is_reported_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    site = generate_site(tmp_path / "site", readahead.PARALLEL_THRESHOLD + 100)
    override = site / "_polyfolio" / "templates" / "item.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{{ oops( }}\n{% endblock %}\n"
    )
    result = build_site(site, tmp_path / "out")
    assert not result.ok
    assert [str(d.location) for d in result.diagnostics if "template error" in d.message] == [
        "_polyfolio/templates/item.html:3:1"
    ]


@pytest.mark.parametrize("in_place", [False, True], ids=["new folder", "existing folder"])
@pytest.mark.usefixtures("settled_stamps")
def test_a_render_worker_that_dies_midway_leaves_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_place: bool
) -> None:
    """The pages it wrote before dying are ours, not the user's: the parent renders its groups
    again over them, and the output (manifest too) is a healthy build's."""
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    site = generate_site(tmp_path / "site", 2 * (PARALLEL_THRESHOLD + 40))
    healthy = tmp_path / "healthy"
    assert build_site(site, healthy).ok
    shutil.rmtree(site / ".polyfolio")  # the next build renders everything again
    parent, rendered = os.getpid(), [0]
    real = groups.render_group

    def dies_in_child(job: groups.GroupJob, page_id: str) -> object:
        files = real(job, page_id)
        rendered[0] += 1
        if os.getpid() != parent and rendered[0] > 40:
            os._exit(9)  # killed after writing some pages (out of memory, say)
        return files

    monkeypatch.setattr(groups, "render_group", dies_in_child)
    out = tmp_path / "out"
    if in_place:
        out.mkdir()
    result = build_site(site, out)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert snapshot(out) == snapshot(healthy)
    monkeypatch.setattr(groups, "render_group", real)
    assert build_site(site, out).ok
