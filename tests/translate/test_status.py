"""`polyfolio status`: every state, the JSON contract, the table and --check."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from polyfolio.cli import main
from polyfolio.content.site import load_site
from polyfolio.translate.status import State, site_status
from tests.shared_data import SEEDS, require, write_site

SOURCE = "---\ntitle: {name}\npage_id: {name}\nlang: en\n---\nBody of {name}.\n"
TARGET = "---\ntitle: Τ\npage_id: {name}\nlang: gr\nsource_hash: {digest}\n---\nΣώμα.\n"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    current, stale, missing = (SOURCE.format(name=n) for n in ("current", "stale", "missing"))
    return write_site(
        tmp_path,
        {
            "_config.yml": "polyfolio:\n  languages: [en, gr]\n",
            "_portfolio/current.md": current,
            "_portfolio/current.gr.md": TARGET.format(name="current", digest=_md5(current)),
            "_portfolio/stale.md": stale,
            "_portfolio/stale.gr.md": TARGET.format(name="stale", digest=_md5("older " + stale)),
            "_portfolio/missing.md": missing,
            "_portfolio/orphan.gr.md": TARGET.format(name="orphan", digest="0" * 32),
        },
    )


EXPECTED = [
    ("current", "gr", "current", "_portfolio/current.md", "_portfolio/current.gr.md"),
    ("missing", "gr", "missing", "_portfolio/missing.md", None),
    ("orphan", "gr", "orphan", None, "_portfolio/orphan.gr.md"),
    ("stale", "gr", "stale", "_portfolio/stale.md", "_portfolio/stale.gr.md"),
]


def test_every_state(site: Path) -> None:
    entries = site_status(load_site(site))
    found = [
        (e.page_id, e.lang, str(e.state), e.source and e.source.rel, e.target and e.target.rel)
        for e in entries
    ]
    assert found == EXPECTED


def test_json_contract(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(site), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["page_id"], r["lang"], r["state"], r["source"], r["target"]) for r in rows] == (
        EXPECTED
    )


def test_table_and_summary(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(site)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["page_id", "lang", "state", "file"]
    assert out[1].split() == ["current", "gr", "current", "_portfolio/current.gr.md"]
    assert out[-1] == "4 translations: 1 current, 1 stale, 1 missing, 1 orphan"


def test_check_exits_1_unless_all_current(site: Path) -> None:
    assert main(["status", str(site), "--check"]) == 1
    for name in ("stale.md", "stale.gr.md", "orphan.gr.md", "missing.md"):
        (site / "_portfolio" / name).unlink()
    assert main(["status", str(site), "--check"]) == 0


def test_source_hash_is_the_md5_of_the_source_bytes(tmp_path: Path) -> None:
    """The seeds' convention: anyone can check a translation with `md5sum`."""
    seed = require(SEEDS / "botulinum-treatment.gr.md")
    source = b"---\npage_id: botulinum-treatment\nlang: en\n---\nsource bytes\n"
    digest = hashlib.md5(source).hexdigest()
    target = seed.read_bytes().replace(b"88b23ef135888d3d84ecb0b15fc8cf82", digest.encode())
    root = write_site(
        tmp_path,
        {"_portfolio/botulinum-treatment.md": source, "_portfolio/b.gr.md": target},
    )
    [entry] = site_status(load_site(root))
    assert entry.state is State.CURRENT
    (root / "_portfolio/botulinum-treatment.md").write_bytes(source + b" ")
    [entry] = site_status(load_site(root))
    assert entry.state is State.STALE


def test_seeds_alone_are_orphans(tmp_path: Path) -> None:
    require(SEEDS)
    files = {f"_portfolio/{p.name}": p.read_bytes() for p in sorted(SEEDS.glob("*.md"))}
    entries = site_status(load_site(write_site(tmp_path, files)))
    assert [(e.page_id, e.lang, e.state) for e in entries] == [
        ("anti-wrinkle-treatment", "gr", State.ORPHAN),
        ("botulinum-treatment", "gr", State.ORPHAN),
    ]
