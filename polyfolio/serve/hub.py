"""The latest build, shared between the watcher thread and every request thread.

Each published build gets a new tag (a per-server random token plus a counter, so a browser that
reconnects to a restarted server also sees a different tag).  Pages carry the tag they were served
with; the event stream announces the current one and the page reloads when they differ.  That
closes the race where a build finishes between serving a page and its event stream connecting.
"""

from __future__ import annotations

import secrets
import threading

from polyfolio.serve.outcome import BuildOutcome


class BuildHub:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._token = secrets.token_hex(4)
        self._count = 0
        self._outcome = BuildOutcome(True)
        self._closed = False

    @property
    def tag(self) -> str:
        with self._changed:
            return self._tag()

    @property
    def outcome(self) -> BuildOutcome:
        with self._changed:
            return self._outcome

    def snapshot(self) -> tuple[str, BuildOutcome]:
        with self._changed:
            return self._tag(), self._outcome

    def publish(self, outcome: BuildOutcome) -> str:
        with self._changed:
            self._count += 1
            self._outcome = outcome
            self._changed.notify_all()
            return self._tag()

    def wait(self, seen: str | None, timeout: float) -> str | None:
        """The tag once it differs from ``seen`` (or after ``timeout``); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._tag() != seen, timeout)
            return None if self._closed else self._tag()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _tag(self) -> str:
        return f"{self._token}-{self._count}"
