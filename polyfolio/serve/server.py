"""The dev server: serve a folder, rebuild on change, tell browsers to reload.

It knows nothing of the site.  It takes a folder to serve, a ``builder`` callable that refreshes
that folder and says how it went, and the folders to watch.  Every build (good or bad) gets a new
tag; pages served carry their tag and reload when the event stream announces another one.  After
a failed build the previous output stays served with an overlay listing the messages.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from polyfolio.serve.handler import DevHTTPServer, Served
from polyfolio.serve.hub import BuildHub
from polyfolio.serve.outcome import Builder, BuildOutcome, run_builder
from polyfolio.serve.watch import Watcher

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


SHOWN_CHANGES = 3


def _ignore_nothing(path: Path) -> bool:
    return False


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class DevServer:
    def __init__(
        self,
        root_dir: Path,
        builder: Builder,
        watch: Sequence[Path],
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        ignore: Callable[[Path], bool] = _ignore_nothing,
        base_path: str = "/",
        on_build: Callable[[BuildOutcome], None] | None = None,
        log: Callable[[str], None] = _to_stderr,
    ) -> None:
        """``base_path``: where ``root_dir`` appears in URLs (a site's baseurl, e.g. ``/docs``).
        ``on_build`` hears every build's outcome (default: its messages and time go to ``log``).
        """
        self.root_dir = root_dir
        self.host = host
        self._builder = builder
        self._watch = [path.resolve() for path in watch]
        self._ignore = ignore
        self._log = log
        self._on_build = on_build or self._log_outcome
        self._base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self._port = port
        self._served_root = root_dir.resolve()
        self._hub = BuildHub()
        self._build_lock = threading.Lock()
        self._http: DevHTTPServer | None = None
        self._http_thread: threading.Thread | None = None
        self._watcher: Watcher | None = None

    @property
    def port(self) -> int:
        return self._http.server_address[1] if self._http is not None else self._port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self._base_path}"

    @property
    def last_outcome(self) -> BuildOutcome:
        return self._hub.outcome

    def start(self) -> None:
        """Bind (errors such as a port in use surface here), build once, serve, watch."""
        self.root_dir.mkdir(parents=True, exist_ok=True)
        self._served_root = self.root_dir.resolve()
        served = Served(self._served_root, self._base_path, self._hub)
        self._http = DevHTTPServer((self.host, self._port), served, _family(self.host))
        self.rebuild()
        self._http_thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.1},  # how quickly stop() is noticed
            name="polyfolio-http",
            daemon=True,
        )
        self._http_thread.start()
        if self._watch:
            self._watcher = Watcher(self._watch, self._ignored, self._changed)
            try:
                self._watcher.start()
            except Exception:
                self.stop()
                raise

    def rebuild(self) -> BuildOutcome:
        """Run the builder (one build at a time), report, then wake the browsers."""
        with self._build_lock:
            outcome = run_builder(self._builder)
            self._on_build(outcome)
            self._hub.publish(outcome)
        return outcome

    def wait(self) -> None:
        """Block while serving (until ``stop`` or Ctrl-C, which raises KeyboardInterrupt here)."""
        while self._http_thread is not None and self._http_thread.is_alive():
            self._http_thread.join(0.5)

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        self._hub.close()  # ends every open event stream
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        if self._http_thread is not None:
            self._http_thread.join(5.0)

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _ignored(self, path: Path) -> bool:
        # The builder writes the served folder: watching it would rebuild forever.
        return path.resolve().is_relative_to(self._served_root) or self._ignore(path)

    def _changed(self, paths: set[Path]) -> None:
        names = sorted(self._shown(path) for path in paths)
        more = f" and {len(names) - SHOWN_CHANGES} more" if len(names) > SHOWN_CHANGES else ""
        self._log(f"{time.strftime('%H:%M:%S')} changed: {', '.join(names[:SHOWN_CHANGES])}{more}")
        self.rebuild()

    def _shown(self, path: Path) -> str:
        for folder in self._watch:
            if path.is_relative_to(folder):
                return path.relative_to(folder).as_posix()
        return str(path)

    def _log_outcome(self, outcome: BuildOutcome) -> None:
        for message in outcome.messages:
            self._log(message)
        verdict = "built" if outcome.ok else "build FAILED"
        self._log(f"{time.strftime('%H:%M:%S')} {verdict} in {outcome.seconds:.2f} s")


def _family(host: str) -> int:
    try:
        is_v6 = ipaddress.ip_address(host).version == 6
    except ValueError:  # a name such as "localhost"
        is_v6 = False
    return socket.AF_INET6 if is_v6 else socket.AF_INET
