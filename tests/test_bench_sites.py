"""The benchmark's sites: with images (agency items) and without (issue #5's site), the same
content otherwise; both build cleanly, and only the first makes image variants."""

from __future__ import annotations

import re
from pathlib import Path

from bench import bench_build
from bench.competitors import HUGO_IMAGE_LAYOUTS, HUGO_LAYOUTS, make_hugo_site, make_jekyll_site
from bench.sitegen import generate_site
from polyfolio.site.build import build_site

ITEMS = 6
IMAGE_LINES = re.compile(rb"^(?:  thumbnail|image|alt): .*\n", re.MULTILINE)


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "_portfolio").iterdir())}


def test_the_sites_differ_only_in_images(tmp_path: Path) -> None:
    with_images = _files(generate_site(tmp_path / "with", ITEMS))
    without = _files(generate_site(tmp_path / "without", ITEMS, images=False))
    assert with_images.keys() == without.keys()
    assert len(without) == ITEMS
    for name, data in with_images.items():
        assert b"image: " in data
        assert b"image" not in without[name]
        # The Greek files' source_hash is of their English source, with or without images.
        assert (
            IMAGE_LINES.sub(b"", data).split(b"source_hash")[0]
            == without[name].split(b"source_hash")[0]
        )
    assert not (tmp_path / "without" / "assets").exists()


def test_both_sites_build_cleanly(tmp_path: Path) -> None:
    results = {}
    for images in (True, False):
        site = generate_site(tmp_path / f"site-{images}", ITEMS, images=images)
        results[images] = build_site(site, tmp_path / f"out-{images}")
    for images, result in results.items():
        assert result.ok and not result.diagnostics
        items = list((tmp_path / f"out-{images}").glob("**/item-*/index.html"))
        assert len(items) == ITEMS
    assert results[True].pages == results[False].pages
    assert results[True].images_made > 0
    assert results[False].images_made == results[False].images_reused == 0
    assert not list((tmp_path / "out-False").rglob("*.webp"))


def test_competitor_sites_are_made_without_images(tmp_path: Path) -> None:
    site = generate_site(tmp_path / "site", ITEMS, images=False)
    hugo = make_hugo_site(site, tmp_path / "hugo")
    jekyll = make_jekyll_site(site, tmp_path / "jekyll")
    assert len(list((hugo / "content" / "portfolio").iterdir())) == ITEMS
    assert not (hugo / "static").exists()
    assert (jekyll / "_layouts" / "item.html").is_file()


def test_hugo_s_image_site_makes_variants_in_both_layouts() -> None:
    """Its layouts are the plain ones with the image tag replaced: a replacement that found
    nothing would leave Hugo copying the files, and the variants row would measure nothing."""
    for name in ("index.html", "_default/single.html"):
        assert HUGO_IMAGE_LAYOUTS[name] != HUGO_LAYOUTS[name]
        assert "srcset" in HUGO_IMAGE_LAYOUTS[name] and ".Resize" in HUGO_IMAGE_LAYOUTS[name]
        assert "srcset" not in HUGO_LAYOUTS[name]


def test_both_sites_are_measured_in_one_run(tmp_path: Path) -> None:
    results = bench_build.measure_size(
        ITEMS, 1, hugo=False, jekyll=False, sites=["agency", "issue"]
    )
    assert [r.site for r in results] == ["agency", "issue"]
    for result in results:
        runs = (result.cold, result.warm, result.one_change)
        assert all(run.returncode == 0 and run.seconds > 0 for run in runs)
        assert result.pages == results[0].pages > ITEMS
    rows = bench_build._rows(results)
    assert {row[0] for row in rows[1:]} == {"agency", "issue"}
