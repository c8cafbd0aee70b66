"""Watch source folders with watchfiles and call back with the changed paths."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import watchfiles

STEP_MS = 50  # changes are grouped until the folders are quiet this long: a save is one build
READY_POLL_MS = 200  # watchfiles yields an empty set this often, which proves it is watching


class Watcher:
    """A daemon thread running ``watchfiles.watch``; ``start`` returns once it is watching."""

    def __init__(
        self,
        paths: Sequence[Path],
        ignore: Callable[[Path], bool],
        on_change: Callable[[set[Path]], None],
    ) -> None:
        self._paths = list(paths)
        self._ignore = ignore
        self._on_change = on_change
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._failure: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="polyfolio-watch", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        """Start watching; a folder that cannot be watched raises here, not silently later."""
        self._thread.start()
        self._ready.wait(timeout)
        if self._failure is not None:
            raise self._failure

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._watch()
        except Exception as exc:  # reported by start() when it happens before watching began
            self._failure = exc
            self._ready.set()

    def _watch(self) -> None:
        default_filter = watchfiles.DefaultFilter()

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return default_filter(change, path) and not self._ignore(Path(path))

        for changes in watchfiles.watch(
            *self._paths,
            watch_filter=wanted,
            step=STEP_MS,
            stop_event=self._stop,
            rust_timeout=READY_POLL_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            self._ready.set()
            lasting = _lasting(changes)
            if lasting and not self._stop.is_set():
                self._on_change(lasting)


def _lasting(changes: set[tuple[watchfiles.Change, str]]) -> set[Path]:
    """The changed paths, without files that came and went within the batch (an editor's or
    sed's temporary file, a lock file): those alone are no reason to build."""
    added = {path for change, path in changes if change == watchfiles.Change.added}
    deleted = {path for change, path in changes if change == watchfiles.Change.deleted}
    transient = added & deleted
    return {Path(path) for _, path in changes if path not in transient}
