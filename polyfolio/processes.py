"""Work split across forked processes, and the rules for when forking is safe.

Forked children share the parent's read-only state without pickling it (a loaded site, a
compiled theme), which is what makes two processes pay off on two cores.  Every child dies with
its parent: a killed build must leave no process writing beside the next one.

A child is a bare ``os.fork`` answering through a pipe, not a ``multiprocessing`` process:
importing and setting that up cost ~13 ms before the first child, where a fork takes under 1 ms.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, NoReturn, TypeVar

from polyfolio.diagnostics import ContentError

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
# A child's answer: one byte saying what it is (its result, or a content error it met), the
# length of what follows, then that.  A child that died before answering sent nothing, or less
# than it said (killed while writing).
_RESULT, _CONTENT_ERROR = b"R", b"E"
_HEADER = 9  # the kind byte and an 8-byte length
_DEFERRED = {signal.SIGINT, signal.SIGTERM}  # held back while a child is forked


def can_fork() -> bool:
    """Forking a process that runs other threads (the dev server) risks copying a held lock."""
    return usable_cores() > 1 and threading.active_count() == 1 and hasattr(os, "fork")


def usable_cores() -> int:
    """Cores this process may run on (the affinity mask, which containers narrow)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def run_forked(
    work: Callable[[T], R],
    chunks: Sequence[T],
    pack: Callable[[R], bytes] | None = None,
    unpack: Callable[[bytes], R] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``work`` over chunks: the first in this process, each other one in a forked child (see
    :class:`Forked`: a child that dies has its chunk redone here, a :class:`ContentError` in a
    child is raised here; a chunk whose child cannot be forked is done here too).  When this
    process's own chunk raises, the children are killed (and waited for) before the error goes
    on.  ``meanwhile`` is called here between this process's chunk and the wait for the
    others: work that would otherwise wait."""
    children: list[Forked[T, R] | None] = []
    try:
        children.extend(_fork_or_none(work, chunk, pack, unpack) for chunk in chunks[1:])
        results = [work(chunks[0])]
        if meanwhile is not None and any(children):
            meanwhile()
        for child, chunk in zip(children, chunks[1:], strict=True):
            results.append(work(chunk) if child is None else child.result())
    except BaseException:  # no child may go on writing after the parent gave up (Ctrl-C too)
        for child in children:
            if child is not None:
                child.stop()
        raise
    return results


def _fork_or_none(
    work: Callable[[T], R],
    chunk: T,
    pack: Callable[[R], bytes] | None,
    unpack: Callable[[bytes], R] | None,
) -> Forked[T, R] | None:
    """A child doing ``work(chunk)``, or None when there is no process to spare (EAGAIN,
    ENOMEM): the caller does it."""
    try:
        return Forked(work, chunk, pack, unpack)
    except OSError:
        return None


# The most batches :func:`run_shared` takes: their numbers fill a pipe before anyone reads it,
# and 1,024 four-byte numbers fit the smallest pipe Linux makes (one page, also PIPE_BUF).
MAX_BATCHES = 1024
_NUMBER = 4  # bytes of a batch number in the queue
# The most processes :func:`run_shared` runs: each copies the pages of the parent's memory it
# touches, so on a machine of many cores (or a container whose affinity mask is wide but whose
# CPU quota is not) memory would grow faster than time shrinks.  Not measured past 2 cores.
MAX_WORKERS = 8


def run_shared(
    work: Callable[[Iterator[T]], R],
    batches: Sequence[T],
    pack: Callable[[tuple[list[int], R]], bytes] | None = None,
    unpack: Callable[[bytes], tuple[list[int], R]] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``work`` over ``batches`` by this process and a forked child per other usable core, each
    given the batches it takes from one queue whenever it is free, so all end within a batch
    of each other however unequal the batches turn out (a fixed split left one core idle for
    up to a fifth of a build's rendering).  One result per process; the caller merges them.
    ``meanwhile`` runs here first, while the children start on the batches.  A child that
    dies has the batches it took done here; a :class:`ContentError` in a child is raised here
    (see :func:`run_forked`)."""
    if len(batches) > MAX_BATCHES:
        raise ValueError(f"{len(batches)} batches: at most {MAX_BATCHES}")
    try:
        queue = _BatchQueue(len(batches))
    except OSError:  # no descriptor to spare (EMFILE): all of it here
        if meanwhile is not None:
            meanwhile()
        return [work(iter(batches))]

    def share(here: bool) -> tuple[list[int], R]:
        if here and meanwhile is not None:
            meanwhile()
        taken: list[int] = []
        return taken, work(batches[n] for n in queue.take(taken))

    workers = max(1, min(usable_cores(), len(batches), MAX_WORKERS))
    try:
        shares = run_forked(share, [True] + [False] * (workers - 1), pack, unpack)
    finally:
        queue.close()
    done = {n for taken, _ in shares for n in taken}
    results = [result for _, result in shares]
    if len(done) < len(batches):  # a child died with batches it had taken
        results.append(work(batch for n, batch in enumerate(batches) if n not in done))
    return results


class _BatchQueue:
    """Batch numbers in a pipe, written before any reader forks: each read of one number is
    atomic, so every batch goes to exactly one process, and an empty pipe (its only writer
    closed) reads as the end."""

    def __init__(self, count: int) -> None:
        self._reader, writer = os.pipe()
        try:
            os.write(writer, b"".join(n.to_bytes(_NUMBER, "little") for n in range(count)))
        finally:
            os.close(writer)

    def take(self, taken: list[int]) -> Iterator[int]:
        """The next batch numbers no process took yet, each noted in ``taken`` as it is."""
        while number := os.read(self._reader, _NUMBER):
            taken.append(int.from_bytes(number, "little"))
            yield taken[-1]

    def close(self) -> None:
        os.close(self._reader)


class Forked(Generic[T, R]):
    """``work(arg)`` running in a forked child while this process goes on (only where
    :func:`can_fork` allows it).  :meth:`result` waits for it; a child that died has its work
    redone here.  :meth:`stop` kills it when its result is no longer wanted.  The result
    travels pickled, or as ``pack`` makes it (e.g. marshal, several times faster for plain
    data) and ``unpack`` reads it."""

    def __init__(
        self,
        work: Callable[[T], R],
        arg: T,
        pack: Callable[[R], bytes] | None = None,
        unpack: Callable[[bytes], R] | None = None,
    ) -> None:
        self._work, self._arg, self._unpack = work, arg, unpack
        _prctl()  # (for the child)
        self._reader, writer = os.pipe()
        parent = os.getpid()
        # Ctrl-C waits until each process is where it can take it: a KeyboardInterrupt raised
        # in the child as the fork returns would run the caller's code there.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
        try:
            pid = os.fork()
        except OSError:  # no process to spare (EAGAIN, ENOMEM): the pipe goes too
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(self._reader)
            os.close(writer)
            raise
        if pid == 0:  # the child: whatever happens, it never returns into the caller's code
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                os.close(self._reader)
                _child(lambda: work(arg), writer, parent, pack)
            finally:
                os._exit(1)
        os.close(writer)
        self.pid = pid
        self._done = False
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        except BaseException:  # interrupted meanwhile: the child must not go on alone
            self.stop()
            raise

    def ready(self) -> bool:
        """Whether :meth:`result` would not wait: the child answered or died."""
        if self._done:
            return False
        poll = select.poll()  # not select(), which takes no descriptor above 1023
        poll.register(self._reader, select.POLLIN)
        return bool(poll.poll(0))

    def result(self) -> R:
        """The child's result (waiting for it), or the work done here if the child died.  A
        :class:`ContentError` in the child is raised here."""
        if self._done:
            raise RuntimeError("the result of a forked work is taken once")
        self._done = True
        try:
            with open(self._reader, "rb") as pipe:
                answer = pipe.read()
        except BaseException:  # interrupted while waiting: the child must not go on alone
            _kill(self.pid)
            raise
        finally:
            _reap(self.pid)
        kind, length, payload = answer[:1], answer[1:_HEADER], answer[_HEADER:]
        if len(length) < _HEADER - 1 or int.from_bytes(length, "little") != len(payload):
            kind = b""  # it died while answering: a truncated answer counts as none
        if kind == _CONTENT_ERROR:
            raise ContentError(pickle.loads(payload))
        if kind != _RESULT:  # it died before answering
            return self._work(self._arg)
        if self._unpack is not None:
            return self._unpack(payload)
        return pickle.loads(payload)  # type: ignore[no-any-return]

    def stop(self) -> None:
        """Kill the child (if its result was not taken) and wait for it: nothing of a build
        that gave up may go on running."""
        if not self._done:
            self._done = True
            _kill(self.pid)
            _reap(self.pid)
            os.close(self._reader)


def die_with(parent: int) -> None:
    """Make this (child) process die when ``parent`` does: an orphan must not go on working
    beside the next build, nor wait forever on a pipe only it still holds."""
    prctl = _prctl()
    if prctl is not None:
        with contextlib.suppress(OSError):
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


@functools.cache
def _prctl() -> Callable[[int, int], int] | None:
    """Linux's prctl(2), when ctypes can reach it.  Looked up before the first fork, so each
    child has it: importing ctypes in each child cost it ~4 ms."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):  # a Python built without ctypes
        return None


def _child(
    work: Callable[[], R], writer: int, parent: int, pack: Callable[[R], bytes] | None
) -> NoReturn:
    """Run in the forked child: do the work, write the answer, and end without running
    anything of the parent's on the way out (``os._exit``: no atexit handlers, no flushing of
    output the parent buffered)."""
    answer = b""
    try:
        die_with(parent)
        result = work()
        answer = _answer(_RESULT, pack(result) if pack is not None else pickle.dumps(result))
    except ContentError as exc:  # the parent reports it like its own
        answer = _answer(_CONTENT_ERROR, pickle.dumps(exc.diagnostic))
    except BaseException:  # Ctrl-C, or a failure the parent meets again redoing the work
        pass
    try:
        with open(writer, "wb") as pipe:
            pipe.write(answer)
    finally:
        os._exit(0)


def _answer(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(_HEADER - 1, "little") + payload


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
