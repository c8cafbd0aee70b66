"""Work started in a forked child beside the parent's: its result, a child that dies (the work
is done in the parent), a content error (raised in the parent), and stopping it."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from polyfolio import processes
from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.processes import Forked, run_forked, run_shared


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    value, pid = Forked(_square, 7).result()
    assert value == 49 and pid != os.getpid()


def test_without_ctypes_a_child_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by review: ctypes imported with this module made every build fail on a Python
    built without it; a child then does without the signal telling it its parent died."""
    monkeypatch.setitem(sys.modules, "ctypes", None)  # what importing it then raises
    processes._prctl.cache_clear()
    try:
        assert processes._prctl() is None
        value, pid = Forked(_square, 7).result()
    finally:
        processes._prctl.cache_clear()
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


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "usable_cores", lambda: 2)


def _done_by(taken: Iterator[float]) -> list[tuple[float, int]]:
    """Each batch (a number of seconds to work) with the process that did it."""
    done = []
    for seconds in taken:
        time.sleep(seconds)
        done.append((seconds, os.getpid()))
    return done


@pytest.mark.usefixtures("two_cores")
def test_shared_batches_are_each_done_once_by_whichever_process_is_free() -> None:
    batches = [0.3] + [0.005 + n / 1e6 for n in range(1, 21)]  # one slow batch, twenty quick
    results = run_shared(_done_by, batches)
    assert len(results) == 2
    done = [pair for result in results for pair in result]
    assert sorted(seconds for seconds, _ in done) == sorted(batches)
    slow_pid = next(pid for seconds, pid in done if seconds == 0.3)
    quick_by_other = [seconds for seconds, pid in done if pid != slow_pid]
    assert len(quick_by_other) >= 15  # the other process took the quick ones meanwhile


def _dies_after_one(taken: Iterator[int], parent: int) -> list[int]:
    done = []
    for batch in taken:
        if os.getpid() != parent and done:
            os._exit(3)  # with a batch taken and not answered
        time.sleep(0.01)
        done.append(batch)
    return done


@pytest.mark.usefixtures("two_cores")
def test_the_batches_a_dead_child_took_are_done_here() -> None:
    parent = os.getpid()
    results = run_shared(lambda taken: _dies_after_one(taken, parent), list(range(30)))
    assert sorted(batch for result in results for batch in result) == list(range(30))


@pytest.mark.usefixtures("two_cores")
def test_meanwhile_runs_here_before_this_process_takes_a_batch() -> None:
    events: list[str] = []

    def note(taken: Iterator[int]) -> list[int]:
        batches = list(taken)
        events.append(f"{os.getpid()} took {len(batches)}")
        return batches

    def meanwhile() -> None:
        time.sleep(0.2)  # long enough for the child to take every batch
        events.append("meanwhile")

    results = run_shared(note, list(range(5)), meanwhile=meanwhile)
    assert events == ["meanwhile", f"{os.getpid()} took 0"]
    assert sorted(batch for result in results for batch in result) == list(range(5))


def test_more_batches_than_a_queue_holds_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        run_shared(list, list(range(processes.MAX_BATCHES + 1)))


def test_a_fork_that_fails_leaves_no_pipe_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_process)
    before = set(os.listdir("/proc/self/fd"))
    for _ in range(3):
        with pytest.raises(BlockingIOError):
            Forked(_square, 2)
    assert set(os.listdir("/proc/self/fd")) == before


def test_an_answer_cut_short_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    real = processes._answer
    monkeypatch.setattr(processes, "_answer", lambda kind, payload: real(kind, payload)[:-3])
    value, pid = Forked(_square, 6).result()  # the child's answer is truncated
    assert (value, pid) == (36, os.getpid())  # so the work was done here


def test_a_child_interrupted_before_its_work_never_returns_into_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    close = os.close

    def interrupted_in_child(fd: int) -> None:
        if os.getpid() != parent:  # Ctrl-C reaching the child right after the fork
            raise KeyboardInterrupt
        close(fd)

    monkeypatch.setattr(os, "close", interrupted_in_child)
    _square_done_here_by_a_child_that_stays_put(tmp_path, 3)


def _square_done_here_by_a_child_that_stays_put(tmp_path: Path, n: int) -> None:
    """``Forked(_square, n)`` whose child dies before its work: the work is done here, and the
    child never comes back out into this code."""
    parent = os.getpid()
    escaped = tmp_path / "escaped"
    try:
        forked = Forked(_square, n)
    finally:
        if os.getpid() != parent:  # a child came back out here, into the caller's code
            escaped.write_text("the child ran the caller's code")
            os._exit(0)
    assert forked.result() == (n * n, parent)
    assert not escaped.exists()


def test_an_interrupt_as_the_fork_returns_stays_in_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fork = os.fork

    def interrupted_fork() -> int:
        pid = fork()
        if pid == 0:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C landing as the child starts
        return pid

    monkeypatch.setattr(os, "fork", interrupted_fork)
    _square_done_here_by_a_child_that_stays_put(tmp_path, 4)


def test_run_shared_without_a_descriptor_for_its_queue_does_everything_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_pipe() -> tuple[int, int]:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    assert run_shared(list, [1, 2, 3]) == [[1, 2, 3]]


def test_ready_takes_descriptors_above_1023() -> None:
    forked = Forked(_square, 2)
    high = os.dup2(forked._reader, 1500)
    os.close(forked._reader)
    forked._reader = high
    deadline = time.monotonic() + 10
    while not forked.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert forked.result()[0] == 4
