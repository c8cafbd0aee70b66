"""Small bilingual sites for translate tests, and ways to run the command on them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from polyfolio.cli import main
from polyfolio.content.document import md5_hex
from tests.shared_data import REPO, write_site

FAKE_KEY = "sk-fake-T3-0123456789abcdefSECRET"

CONFIG = """\
title: Test clinic
polyfolio:
  source_lang: en
  languages: [en, gr]
  bcp47: {{gr: el}}
  translate:
    engine: openai
    model: fake-model
    base_url: {base_url}
    concurrency: {concurrency}
    max_retries: 1
    timeout: 20
"""

SHARED = "Every treatment begins with a consultation with one of our doctors."
ITEMS: dict[str, tuple[str, list[str]]] = {
    "peel": (
        "Chemical peel",
        [
            "A chemical peel removes the outer layers of the skin.",
            SHARED,
            "Most people return to work the next day.",
        ],
    ),
    "laser": (
        "Laser hair removal",
        [
            "The laser heats the hair follicle and stops new growth.",
            SHARED,
        ],
    ),
}


def source_text(page_id: str, title: str, paragraphs: Sequence[str]) -> str:
    front = f"title: {title}\nimage: assets/{page_id}.webp\nlang: en\npage_id: {page_id}\n"
    return f"---\n{front}---\n" + "\n\n".join(paragraphs) + "\n"


def make_site(
    root: Path,
    base_url: str,
    items: Mapping[str, tuple[str, list[str]]] = ITEMS,
    *,
    concurrency: int = 2,
) -> Path:
    files: dict[str, str | bytes] = {
        "_config.yml": CONFIG.format(base_url=base_url, concurrency=concurrency)
    }
    for page_id, (title, paragraphs) in items.items():
        files[f"_portfolio/{page_id}.md"] = source_text(page_id, title, paragraphs)
    return write_site(root, files)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Outcome:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Outcome:
    """``polyfolio`` in this process (the key comes from the environment the test set)."""
    capsys.readouterr()
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "polyfolio", *(str(arg) for arg in args)]


def cli_env(key: str = FAKE_KEY) -> dict[str, str]:
    env = dict(os.environ)
    env["OPENAI_API_KEY"] = key
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_subprocess(*args: str | Path, timeout: float = 120) -> Outcome:
    done = subprocess.run(
        cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=timeout
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def targets(site: Path) -> dict[str, bytes]:
    """Every translation file's bytes, by site-relative path."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted((site / "_portfolio").glob("*.gr.md"))
    }


def is_current(site: Path, target_rel: str) -> bool:
    target = (site / target_rel).read_text(encoding="utf-8")
    source = site / target_rel.replace(".gr.md", ".md")
    return f"source_hash: {md5_hex(source.read_bytes())}" in target


def copy_committed(site: Path, to: Path) -> Path:
    """What a clone of the site's repository holds: no lock, no caches."""
    shutil.copytree(site, to, ignore=shutil.ignore_patterns("translate.lock", "cache", "*-journal"))
    return to
