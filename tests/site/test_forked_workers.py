"""What forked workers share: the libraries pages and images are made with are imported, and
every template compiled, in the parent before it forks (each worker would otherwise pay for its
own, ~40 ms), the imports while it waits for the child reading files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.sitegen import generate_site
from polyfolio import processes
from polyfolio.content import readahead
from polyfolio.site import build, groups
from polyfolio.site.build import build_site
from polyfolio.site.groups import PARALLEL_THRESHOLD
from polyfolio.site.theme import Theme


def test_a_first_build_prepares_everything_workers_share_before_forking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)
    files = max(2 * (PARALLEL_THRESHOLD + 40), readahead.PARALLEL_THRESHOLD + 100)
    site = generate_site(tmp_path / "site", files)
    events: list[str] = []
    real_import, real_load, real_fork = build._import_renderers, Theme.load_all, groups.run_shared

    def import_renderers() -> None:
        events.append("import")
        real_import()

    def load_all(self: Theme) -> None:
        events.append("templates")
        real_load(self)

    def run_shared(*args: object, **kwargs: object) -> object:
        events.append("render")
        return real_fork(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "_import_renderers", import_renderers)
    monkeypatch.setattr(Theme, "load_all", load_all)
    monkeypatch.setattr(groups, "run_shared", run_shared)
    assert build_site(site, tmp_path / "out").ok
    assert events == ["import", "templates", "render"]
