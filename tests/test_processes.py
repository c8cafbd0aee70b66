"""Work started in a forked child beside the parent's: its result, a child that dies (the work
is done in the parent), a content error (raised in the parent), and stopping it."""

from __future__ import annotations

import os
import time

import pytest

from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.processes import Forked


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    value, pid = Forked(_square, 7).result()
    assert value == 49 and pid != os.getpid()


def _dies_in_child(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)
    return 42


def test_a_child_that_dies_has_its_work_done_here() -> None:
    assert Forked(_dies_in_child, os.getpid()).result() == 42


def _fails(_: None) -> None:
    raise ContentError(error(Location("x.md", 3, 1), "broken"))


def test_a_content_error_in_the_child_is_raised_here() -> None:
    with pytest.raises(ContentError, match="broken"):
        Forked(_fails, None).result()


def test_the_result_is_taken_once() -> None:
    forked = Forked(_square, 2)
    forked.result()
    with pytest.raises(RuntimeError):
        forked.result()


def test_stop_kills_the_child_and_waits_for_it() -> None:
    forked = Forked(time.sleep, 60)
    started = time.monotonic()
    forked.stop()
    assert time.monotonic() - started < 10
    assert not forked._process.is_alive()
    assert forked._process.exitcode is not None and forked._process.exitcode < 0
    forked.stop()  # a second stop does nothing
