"""The translation memory: lookups, priorities, sources, schema, and surviving a kill."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from polyfolio.content.document import md5_hex
from polyfolio.diagnostics import ContentError
from polyfolio.translate.memory import (
    SCHEMA_VERSION,
    Origin,
    Pair,
    TranslationMemory,
    ensure_state_dir,
    memory_path,
)

EN_EL = Pair("en", "el", "openai:model-a")
OTHER_ENGINE = Pair("en", "el", "deepl:default")


def test_an_engine_answer_serves_only_its_own_engine_settings(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path) as memory:
        memory.store(EN_EL, [("Hello", "Γεια")], Origin.ENGINE)
        found = memory.lookup("Hello", EN_EL)
        assert found is not None and (found.target_text, found.origin) == ("Γεια", Origin.ENGINE)
        assert memory.lookup("Hello", OTHER_ENGINE) is None
        assert memory.lookup("Hello", Pair("en", "de", EN_EL.settings_key)) is None
        assert memory.lookup("hello", EN_EL) is None


def test_a_human_fix_wins_then_the_engine_then_an_accepted_text(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path) as memory:
        memory.store(EN_EL, [("Hello", "accepted")], Origin.ACCEPTED)
        assert memory.lookup("Hello", OTHER_ENGINE).target_text == "accepted"  # type: ignore[union-attr]
        memory.store(EN_EL, [("Hello", "engine")], Origin.ENGINE)
        assert memory.lookup("Hello", EN_EL).target_text == "engine"  # type: ignore[union-attr]
        memory.store(EN_EL, [("Hello", "human")], Origin.HUMAN)
        assert memory.lookup("Hello", EN_EL).target_text == "human"  # type: ignore[union-attr]
        assert memory.lookup("Hello", OTHER_ENGINE).target_text == "human"  # type: ignore[union-attr]


def test_a_later_answer_replaces_an_earlier_one(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path) as memory:
        memory.store(EN_EL, [("Hello", "one")], Origin.ENGINE)
        memory.store(EN_EL, [("Hello", "two")], Origin.ENGINE)
        assert memory.lookup("Hello", EN_EL).target_text == "two"  # type: ignore[union-attr]
        assert memory.count() == 1


def test_sources_are_kept_by_their_md5(tmp_path: Path) -> None:
    data = b"---\ntitle: Hi\n---\nBody\n"
    with TranslationMemory.open(tmp_path) as memory:
        assert memory.add_source(data) == md5_hex(data)
        assert memory.add_source(data) == md5_hex(data)  # twice is harmless
    with TranslationMemory.open(tmp_path) as memory:
        assert memory.source(md5_hex(data)) == data
        assert memory.source("0" * 32) is None
        assert memory.source_hashes() == {md5_hex(data)}


def test_the_file_alone_is_the_state(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path) as memory:
        memory.store(EN_EL, [("a", "b")], Origin.ENGINE)
    folder = tmp_path / ".polyfolio"
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", "memory.sqlite"]
    with sqlite3.connect(memory_path(tmp_path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reading_never_creates_a_memory(tmp_path: Path) -> None:
    with TranslationMemory.open_existing(tmp_path) as memory:
        assert memory.lookup("a", EN_EL) is None
    assert not (tmp_path / ".polyfolio").exists()


def test_a_memory_from_a_newer_polyfolio_is_refused(tmp_path: Path) -> None:
    with TranslationMemory.open(tmp_path):
        pass
    with sqlite3.connect(memory_path(tmp_path)) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(ContentError, match="newer than this polyfolio"):
        TranslationMemory.open(tmp_path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    ensure_state_dir(tmp_path)
    memory_path(tmp_path).write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(ContentError, match=r"\.polyfolio/memory\.sqlite.*cannot open"):
        TranslationMemory.open(tmp_path)


def test_the_gitignore_keeps_lines_others_wrote(tmp_path: Path) -> None:
    folder = tmp_path / ".polyfolio"
    folder.mkdir()
    (folder / ".gitignore").write_text("# caches\ncache/\nmine", encoding="utf-8")
    ensure_state_dir(tmp_path)
    lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines == ["# caches", "cache/", "mine", "translate.lock", "*-journal"]
    ensure_state_dir(tmp_path)
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines() == lines


_KILLED_MID_TRANSACTION = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from polyfolio.translate.memory import Origin, Pair, TranslationMemory

    memory = TranslationMemory.open(Path(sys.argv[1]))
    pair = Pair("en", "el", "k")
    memory.store(pair, [("committed", "yes")], Origin.ENGINE)
    db = memory._db
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO translations VALUES (?, 'en', 'el', 'k', 'no', 'engine', 0)",
        [(f"in flight {i}",) for i in range(2000)],
    )
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_kill_mid_transaction_loses_only_that_transaction(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_TRANSACTION, str(tmp_path)], check=False
    )
    assert done.returncode == -signal.SIGKILL
    with TranslationMemory.open(tmp_path) as memory:
        assert memory.integrity_ok()
        assert memory.count() == 1
        assert memory.lookup("committed", Pair("en", "el", "k")) is not None
        memory.store(Pair("en", "el", "k"), [("after", "ok")], Origin.ENGINE)
    # the journal of the lost transaction is gone once the memory was written again
    assert not Path(f"{memory_path(tmp_path)}-journal").exists()
