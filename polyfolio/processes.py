"""Work split across forked processes, and the rules for when forking is safe.

Forked children share the parent's read-only state without pickling it (a loaded site, a
compiled theme), which is what makes two processes pay off on two cores.  Every child dies with
its parent: a killed build must leave no process writing beside the next one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from polyfolio.diagnostics import ContentError, Diagnostic

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

_PR_SET_PDEATHSIG = 1
_DIED = object()  # what a child that died before answering sent


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
    """``work`` over chunks: the first in this process, each other one in a forked child.  A
    child that dies is not fatal: its chunk is redone here.  A :class:`ContentError` in a child
    is raised here, as if the parent had met it; when this process's own chunk raises, the
    children are killed (and waited for) before the error goes on.  A child's result travels
    pickled, or as ``pack`` makes it (e.g. marshal, several times faster for plain data) and
    ``unpack`` reads it.  ``meanwhile`` is called here between this process's chunk and the
    wait for the others: work that would otherwise wait."""
    # Imported here (~10 ms): a rebuild that renders few groups never forks.
    import multiprocessing

    context = multiprocessing.get_context("fork")
    children = []
    for chunk in chunks[1:]:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(work, chunk, writer, os.getpid(), pack), daemon=True
        )
        process.start()
        writer.close()
        children.append((process, reader, chunk))
    try:
        results = [work(chunks[0])]
        if meanwhile is not None and children:
            meanwhile()
        for process, reader, chunk in children:
            try:
                answer = reader.recv()
                if unpack is not None and isinstance(answer, bytes):
                    answer = unpack(answer)
            except (EOFError, OSError):
                answer = _DIED
            reader.close()
            process.join()
            if answer is _DIED:
                answer = work(chunk)
            if isinstance(answer, Diagnostic):
                raise ContentError(answer)
            results.append(answer)
    except BaseException:  # no child may go on writing after the parent gave up (Ctrl-C too)
        for process, reader, _ in children:
            process.kill()
            process.join()
            reader.close()
        raise
    return results


class Forked(Generic[T, R]):
    """``work(arg)`` running in a forked child while this process goes on (only where
    :func:`can_fork` allows it).  :meth:`result` waits for it; a child that died has its work
    redone here.  :meth:`stop` kills it when its result is no longer wanted."""

    def __init__(self, work: Callable[[T], R], arg: T) -> None:
        import multiprocessing  # ~10 ms, only when something runs beside the build

        context = multiprocessing.get_context("fork")
        self._work, self._arg = work, arg
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child, args=(work, arg, writer, os.getpid(), None), daemon=True
        )
        self._process.start()
        writer.close()
        self._done = False

    def result(self) -> R:
        """The child's result (waiting for it), or the work done here if the child died.  A
        :class:`ContentError` in the child is raised here."""
        if self._done:
            raise RuntimeError("the result of a forked work is taken once")
        self._done = True
        try:
            answer = self._reader.recv()
        except (EOFError, OSError):
            answer = _DIED
        except BaseException:  # interrupted while waiting: the child must not go on alone
            self._process.kill()
            raise
        finally:
            self._reader.close()
            self._process.join()
        if answer is _DIED:
            return self._work(self._arg)
        if isinstance(answer, Diagnostic):
            raise ContentError(answer)
        return answer  # type: ignore[no-any-return]

    def stop(self) -> None:
        """Kill the child (if its result was not taken) and wait for it: nothing of a build
        that gave up may go on running."""
        if not self._done:
            self._done = True
            self._process.kill()
            self._process.join()
            self._reader.close()


def die_with(parent: int) -> None:
    """Make this (child) process die when ``parent`` does: an orphan must not go on working
    beside the next build, nor wait forever on a pipe only it still holds."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _child(
    work: Callable[[T], R],
    chunk: T,
    writer: Connection,
    parent: int,
    pack: Callable[[R], bytes] | None,
) -> None:
    die_with(parent)
    try:
        result = work(chunk)
        writer.send(pack(result) if pack is not None else result)
    except ContentError as exc:  # the parent reports it like its own
        writer.send(exc.diagnostic)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole group; the parent reports it
        pass
    finally:
        writer.close()
