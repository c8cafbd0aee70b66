"""Work started in a forked child beside the parent's: its result, a child that dies (the work
is done in the parent), a content error (raised in the parent), and stopping it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.processes import Forked, run_forked


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


def _fails_in_child(parent: int) -> str:
    if os.getpid() != parent:
        raise ContentError(error(Location("x.md", 3, 1), "broken in the child"))
    return "redone here"


def test_a_content_error_in_the_child_is_raised_here() -> None:
    with pytest.raises(ContentError, match="broken in the child"):
        Forked(_fails_in_child, os.getpid()).result()


def _interrupt_soon() -> None:
    """SIGINT to this process alone (a supervisor's stop, not Ctrl-C to the whole group)."""
    signal.setitimer(signal.ITIMER_REAL, 0.3)


@pytest.fixture
def alarm_interrupts() -> Iterator[None]:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_interrupt_while_waiting_kills_the_child(alarm_interrupts: None) -> None:
    forked = Forked(time.sleep, 60)
    started = time.monotonic()
    _interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        forked.result()
    assert time.monotonic() - started < 10
    _assert_reaped(forked.pid)


def _assert_reaped(pid: int) -> None:
    """The child is gone and waited for (no zombie left)."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _sleep_in_child(parent: int) -> None:
    if os.getpid() != parent:
        time.sleep(60)


def test_run_forked_interrupted_while_waiting_kills_its_children(
    alarm_interrupts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked: list[int] = []
    fork = os.fork

    def noted_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", noted_fork)
    started = time.monotonic()
    _interrupt_soon()
    parent = os.getpid()
    with pytest.raises(KeyboardInterrupt):
        run_forked(_sleep_in_child, [parent, parent, parent])
    assert time.monotonic() - started < 10
    assert len(forked) == 2
    for pid in forked:
        _assert_reaped(pid)


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
    _assert_reaped(forked.pid)
    forked.stop()  # a second stop does nothing


def _note(chunk: list[str]) -> list[str]:
    chunk.append(f"chunk in {os.getpid()}")
    return chunk


def test_meanwhile_runs_here_after_this_process_s_chunk_while_children_work() -> None:
    done: list[str] = []
    results = run_forked(_note, [done, [], []], meanwhile=lambda: done.append("meanwhile"))
    assert done == [f"chunk in {os.getpid()}", "meanwhile"]
    assert [len(result) for result in results] == [2, 1, 1]
    assert all(str(os.getpid()) not in result[0] for result in results[1:])


def test_without_children_there_is_no_meanwhile() -> None:
    done: list[str] = []
    run_forked(_note, [done], meanwhile=lambda: done.append("meanwhile"))
    assert done == [f"chunk in {os.getpid()}"]


def test_a_chunk_whose_child_cannot_be_forked_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_process)
    assert [value for value, _ in run_forked(_square, [1, 2, 3])] == [1, 4, 9]


def test_ready_tells_whether_the_answer_is_in() -> None:
    forked = Forked(time.sleep, 0.3)
    assert not forked.ready()
    deadline = time.monotonic() + 10
    while not forked.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert forked.ready()
    assert forked.result() is None
    assert not forked.ready()  # taken


def test_a_result_may_travel_as_its_own_bytes() -> None:
    forked = Forked(_square, 5, pack=lambda r: f"{r[0]}".encode(), unpack=lambda b: (int(b), 0))
    assert forked.result() == (25, 0)
