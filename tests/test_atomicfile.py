"""Atomic writes keep an existing file's mode and give a new file the usual one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from polyfolio.atomicfile import write_bytes_atomic


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "new.md", b"x")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "kept.md"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_bytes_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["kept.md"]  # no temporary file left


@pytest.mark.parametrize(("durable", "syncs"), [(True, 1), (False, 0)])
def test_only_durable_writes_are_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool, syncs: int
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(os, "fsync", calls.append)
    write_bytes_atomic(tmp_path / "cache.bin", b"derived", durable=durable)
    assert (tmp_path / "cache.bin").read_bytes() == b"derived"
    assert len(calls) == syncs
