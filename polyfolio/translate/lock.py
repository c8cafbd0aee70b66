"""One ``translate`` run per site at a time: an advisory lock on ``.polyfolio/translate.lock``.

``fcntl.flock`` belongs to the open file, so the kernel releases it when the process ends, however
it ends: a killed run never leaves a stale lock behind that a human must delete.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from polyfolio.diagnostics import ContentError, Location, error
from polyfolio.translate.memory import STATE_DIR, ensure_state_dir

LOCK_FILE = "translate.lock"


@contextmanager
def run_lock(site_root: Path) -> Iterator[None]:
    """Hold the site's translate lock, or raise :class:`ContentError` at once if another has it."""
    path = ensure_state_dir(site_root) / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ContentError(
                error(
                    Location(f"{STATE_DIR}/{LOCK_FILE}"),
                    "another 'polyfolio translate' is running on this site",
                    "wait for it to finish, then run again",
                )
            ) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
