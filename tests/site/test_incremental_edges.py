"""Edge cases of the one-item rebuild (:mod:`polyfolio.site.incremental`) that the edit list of
``test_incremental`` does not reach: a group whose files are not all pages (a language the site
does not build), caches lost between builds, two output folders built in turn.  Each warm build
must write the same tree and report the same diagnostics as a cold build of the same files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from polyfolio.site.build import build_site
from tests.shared_data import write_site
from tests.site import sites
from tests.site.edits import Edit, both
from tests.site.test_incremental import cold_build, relative
from tests.site.test_rebuild import tree

# A group with no source-language item: its first file (by path) stands in as the source, and a
# translation's stale notice is judged against that file, which is not a page of the site.
ZETA_FR = sites.BETA_EN.replace("page_id: beta", "page_id: zeta\nlang: fr").replace("Beta", "Zeta")
ZETA_GR = sites.BETA_EN.replace(
    "page_id: beta", "page_id: zeta\nlang: gr\nsource_hash: 0123456789abcdef0123456789abcdef"
).replace("Beta", "Ζήτα")


# Hidden, not fallback, pages for missing translations: the group's pages stay the same when
# its stand-in source goes.
CONFIG = sites.CONFIG.replace("stale_notice: true", "stale_notice: true\n    missing: hide")


def make_site(root: Path) -> Path:
    return sites.make_site(
        root,
        {
            "_config.yml": CONFIG,
            "_portfolio/fr/zeta.md": ZETA_FR,
            "_portfolio/gr/zeta.md": ZETA_GR,
        },
    )


def _remove(rel: str) -> Edit:
    return lambda root: (root / rel).unlink()


def _current_translation(root: Path) -> None:
    """Give the Greek alpha the hash of its source: its stale notice goes."""
    md5 = hashlib.md5((root / "_portfolio/alpha.md").read_bytes()).hexdigest()
    path = root / "_portfolio/gr/alpha.md"
    path.write_text(path.read_text("utf-8").replace("0" * 32, md5), "utf-8")


def _rename(old: str, new: str) -> Edit:
    return lambda root: (root / old).rename(root / new)


def _forget(pattern: str) -> Edit:
    def forget(root: Path) -> None:
        for path in (root / ".polyfolio" / "cache").glob(pattern):
            path.unlink()

    return forget


def edit_body(root: Path) -> None:
    write_site(root, {"_portfolio/beta.md": sites.BETA_EN.replace("Only", "Just")})


EDITS: dict[str, Edit] = {
    "remove the unbuilt language file standing in as source": _remove("_portfolio/fr/zeta.md"),
    "move the unbuilt language file to another page_id": lambda root: write_site(
        root, {"_portfolio/fr/zeta.md": ZETA_FR.replace("page_id: zeta", "page_id: eta")}
    ),
    "make a translation current": _current_translation,
    "rename a source so the home order changes": _rename(
        "_portfolio/beta.md", "_portfolio/aaa-beta.md"
    ),
    "forget the page cache and edit": both(_forget("pages.marshal"), edit_body),
    "forget the stamps and edit": both(_forget("stamps.marshal"), edit_body),
    "forget the build record and edit": both(_forget("build-*.marshal"), edit_body),
}
# Those the one-item path takes (only collection files changed, the caches in place).
NARROWED = set(EDITS) - {"forget the page cache and edit", "forget the build record and edit"}


def check(base: Path, edit: Edit, narrowed: bool) -> None:
    root = make_site(base / "site")
    out = base / "out"
    build_site(root, out)
    edit(root)
    warm = build_site(root, out)
    cold_tree, cold = cold_build(root, base / "cold")
    assert tree(out) == cold_tree
    assert relative(warm, root) == relative(cold, base / "cold" / "site")
    assert warm.pages == cold.pages
    assert warm.narrowed == narrowed


@pytest.mark.parametrize("name", list(EDITS))
def test_edit_then_build_is_a_cold_build(tmp_path: Path, name: str) -> None:
    check(tmp_path, EDITS[name], name in NARROWED)


def test_two_output_folders_built_in_turn(tmp_path: Path) -> None:
    """Each folder's record is its own, the page cache is the site's: an edit built into one
    folder must not let the other keep pages of files it never saw."""
    root = make_site(tmp_path / "site")
    first, second = tmp_path / "one", tmp_path / "two"
    build_site(root, first)
    build_site(root, second)
    edit_body(root)
    build_site(root, second)
    write_site(root, {"_portfolio/alpha.md": sites.ALPHA_EN.replace("Someone", "Else")})
    build_site(root, first)
    cold_tree, _ = cold_build(root, tmp_path / "cold")
    assert tree(first) == cold_tree
    build_site(root, second)
    assert tree(second) == cold_tree


def test_a_file_joining_a_group_without_changing_its_pages_keeps_the_next_build_narrow(
    tmp_path: Path,
) -> None:
    """A file in an unbuilt language joins a group: its pages (and cached entry) stay as they
    were, but the entry must now list that file, or every later build takes the full path."""
    root = make_site(tmp_path / "site")
    out = tmp_path / "out"
    build_site(root, out)
    joined = ZETA_FR.replace("page_id: zeta", "page_id: alpha").replace("Zeta", "Alpha")
    write_site(root, {"_portfolio/fr/alpha.md": joined})
    assert build_site(root, out).narrowed
    edit_body(root)
    result = build_site(root, out)
    assert result.narrowed and result.groups_examined == 1
    assert tree(out) == cold_build(root, tmp_path / "cold")[0]


COUNTED = (
    *("pages", "groups_rendered", "bodies_rendered", "images_made", "images_reused"),
    *("written", "unchanged", "deleted"),
)


@pytest.mark.parametrize("name", sorted(NARROWED - {"forget the stamps and edit"}))
def test_counts_equal_a_full_rebuild(tmp_path: Path, name: str) -> None:
    """The narrowed build reports what a full rebuild of the same edit (its record forgotten)
    reports: the same work counts, diagnostics and files."""
    seen: dict[bool, tuple[dict[str, int], list[str], dict[str, bytes]]] = {}
    for full in (False, True):
        root = make_site(tmp_path / str(full) / "site")
        out = tmp_path / str(full) / "out"
        build_site(root, out)
        EDITS[name](root)
        if full:
            for record in (root / ".polyfolio" / "cache").glob("build-*.marshal"):
                record.unlink()
        result = build_site(root, out)
        assert result.narrowed != full
        counts = {field: getattr(result, field) for field in COUNTED}
        seen[full] = (counts, relative(result, root), tree(out))
    assert seen[False] == seen[True]
