"""Incremental builds are exact: after any sequence of edits, a warm build (page cache, image
cache, previous output) writes the same tree as a cold build of the same files from scratch;
the no-change path is taken exactly when nothing on disk changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from polyfolio.site.build import build_site
from polyfolio.site.output import MANIFEST
from tests.shared_data import write_site
from tests.site import sites
from tests.site.edits import Edit, delete, delete_output, replace, write


def _touch(rel: str) -> Edit:
    """A new mtime (a second later), the same bytes."""

    def edit(root: Path) -> None:
        path = root / rel
        if path.is_file():
            later = path.stat().st_mtime_ns + 1_000_000_000
            os.utime(path, ns=(later, later))

    return edit


def _repaint(root: Path) -> None:
    Image.new("RGB", (640, 480), (200, 90, 40)).save(root / "assets" / "img" / "alpha.png")


def _override_with_a_partial(root: Path) -> None:
    """Templates may sit in subfolders: an override including one of its own."""
    write("_polyfolio/templates/parts/title.html", '<h2 class="part">{{ item.title }}</h2>\n')(root)
    write(
        "_polyfolio/templates/item_content.html",
        '<div class="parted">{% include "parts/title.html" %}{{ item.body }}</div>\n',
    )(root)


EDITS: dict[str, Edit] = {
    "edit a body": replace("_portfolio/alpha.md", "Client: Someone", "Client: Another"),
    "edit a title": replace("_portfolio/gr/alpha.md", "Θεραπεία Άλφα", "Νέος τίτλος"),
    "add an item": write("_portfolio/gamma.md", sites.BETA_EN.replace("beta", "gamma")),
    "translate the missing item": write(
        "_portfolio/gr/beta.md", sites.BETA_EN.replace("page_id: beta", "page_id: beta\nlang: gr")
    ),
    "delete a translation": delete("_portfolio/gr/alpha.md"),
    "delete an item": delete("_portfolio/beta.md"),
    "change the site title": replace("_config.yml", "Mini Clinic", "Renamed Clinic"),
    "move under a baseurl": replace("_config.yml", 'baseurl: ""', "baseurl: /clinic"),
    "hide missing translations": replace(
        "_config.yml", "stale_notice: true", "stale_notice: true\n    missing: hide"
    ),
    "change sitetext": replace("_data/sitetext.yml", "Pick one.", "Choose."),
    "repaint an image": _repaint,
    "override a template": write(
        "_polyfolio/templates/item_content.html",
        '<div class="mine"><{{ heading }} class="item-title">{{ item.title }}</{{ heading }}>'
        "{{ item.body }}</div>\n",
    ),
    "override with a partial in a subfolder": _override_with_a_partial,
    "edit the partial": write(
        "_polyfolio/templates/parts/title.html", '<h2 class="part edited">{{ item.title }}</h2>\n'
    ),
    "add an asset": write("assets/docs/price-list.txt", "prices\n"),
    "change an asset": write("assets/docs/price-list.txt", "new prices\n"),
    "rebuild without a change": lambda root: None,
    "touch an item without changing it": _touch("_portfolio/alpha.md"),
    "touch the config without changing it": _touch("_config.yml"),
    "delete a built page by hand": delete_output("portfolio/alpha/index.html"),
    "delete the built home by hand": delete_output("index.html"),
}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def cold_build(root: Path, scratch: Path) -> dict[str, bytes]:
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch / "site", ignore=shutil.ignore_patterns(".polyfolio", "_site"))
    build_site(scratch / "site", scratch / "out")
    return tree(scratch / "out")


def on_disk(base: Path) -> dict[str, tuple[int, int, int, int]]:
    """What a build could notice: every file of the site (but its caches) and of the output."""
    return {
        p.relative_to(base).as_posix(): (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        for folder in ("site", "out")
        for p in sorted((base / folder).rglob("*"))
        if p.is_file() and ".polyfolio" not in p.parts and (st := p.stat())
    }


def check_sequence(base: Path, names: list[str]) -> None:
    root = sites.make_site(base / "site")
    out = base / "out"
    last = build_site(root, out)
    for name in names:
        before = on_disk(base)
        EDITS[name](root)
        unchanged = on_disk(base) == before
        warm = build_site(root, out)
        assert tree(out) == cold_build(root, base / "cold"), f"after {name!r}"
        assert warm.groups_rendered <= 3, f"{name!r} re-rendered unrelated groups"
        assert warm.reused_whole == (unchanged and last.ok), f"after {name!r}"
        if warm.reused_whole:
            assert warm.diagnostics == last.diagnostics
        last = warm


def test_every_edit_in_turn_rebuilds_exactly(tmp_path: Path) -> None:
    check_sequence(tmp_path, list(EDITS))


def test_a_style_change_rerenders_every_page_and_its_body(tmp_path: Path) -> None:
    """Bodies are not cached apart from pages (rendering one is cheaper than storing it)."""
    root = sites.make_site(tmp_path / "site")
    first = build_site(root, tmp_path / "out")
    assert first.bodies_rendered == 3  # alpha en, alpha gr, beta (shared by its fallback)
    write_site(root, {"_polyfolio/static/polyfolio.css": "body { color: navy; }\n"})
    again = build_site(root, tmp_path / "out")
    assert again.groups_rendered == 2 and again.bodies_rendered == 3
    assert tree(tmp_path / "out") == cold_build(root, tmp_path / "cold")


def test_an_unchanged_site_renders_nothing(tmp_path: Path) -> None:
    root = sites.make_site(tmp_path / "site")
    build_site(root, tmp_path / "out")
    again = build_site(root, tmp_path / "out")
    assert again.groups_rendered == 0 and again.written == 0


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=2, max_size=4))
def test_random_edit_sequences_rebuild_exactly(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    check_sequence(tmp_path_factory.mktemp("seq"), names)
