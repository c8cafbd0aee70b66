"""A threaded HTTP server on 127.0.0.1 that records requests and plays scripted faults.

Engine-specific servers subclass :class:`FakeServer` and implement :meth:`FakeServer.answer`.
Faults queued with :meth:`FakeServer.fail_next` are served first, one per request, so a test can
say "two 429s, then a 500, then behave".
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case; see header()
    body: bytes
    segments: tuple[tuple[str, str], ...] = ()  # (id, text) the engine sent, when it sent any

    def header(self, name: str) -> str:
        """A request header by case-insensitive name ("" when absent)."""
        return self.headers.get(name.lower(), "")

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def characters(self) -> int:
        return sum(len(text) for _, text in self.segments)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send back; ``hang`` waits that many seconds first (or until the server stops)."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    hang: float = 0.0

    @staticmethod
    def json(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
        return Reply(
            status,
            json.dumps(value, ensure_ascii=False).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )


def error(status: int, retry_after: float | None = None, message: str = "fault") -> Reply:
    """An error reply, with ``Retry-After`` when given (seconds)."""
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return Reply.json({"error": {"message": message, "type": "fault"}}, status, headers)


def hang(seconds: float) -> Reply:
    """A reply that comes too late for a client with a shorter timeout."""
    return Reply(hang=seconds)


class FakeServer:
    """Base for fake engine servers: start in a thread, record, fault, stop."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.faults: deque[Reply] = deque()
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests it was answering at once
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- scripting and inspection ------------------------------------------------------------
    def fail_next(self, *replies: Reply) -> None:
        """Serve ``replies`` to the next requests, one each, before behaving normally again."""
        with self._lock:
            self.faults.extend(replies)

    def translation_requests(self) -> list[Recorded]:
        return [request for request in self.requests if request.segments]

    def sent_segments(self) -> list[tuple[str, str]]:
        return [segment for request in self.translation_requests() for segment in request.segments]

    def sent_characters(self) -> int:
        return sum(request.characters for request in self.translation_requests())

    def all_headers(self) -> Iterator[tuple[str, str]]:
        for request in self.requests:
            yield from request.headers.items()

    # -- for subclasses ----------------------------------------------------------------------
    def segments_of(self, method: str, path: str, body: bytes) -> tuple[tuple[str, str], ...]:
        """The (id, text) segments a request carries; () when it carries none."""
        return ()

    def answer(self, request: Recorded) -> Reply:
        raise NotImplementedError

    # -- internals ---------------------------------------------------------------------------
    def _serve(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        try:
            segments = self.segments_of(method, path, body)
        except (ValueError, KeyError, TypeError):
            segments = ()
        lowered = {name.lower(): value for name, value in headers.items()}
        recorded = Recorded(method, path, lowered, body, segments)
        with self._lock:
            self.requests.append(recorded)
            fault = self.faults.popleft() if self.faults else None
        return fault if fault is not None else self.answer(recorded)

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _arrived(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _left(self) -> None:
        with self._lock:
            self.in_flight -= 1


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY: without it every keep-alive answer waits ~40 ms for a delayed ACK.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def _handle(self) -> None:
            server._arrived()
            try:
                self._respond()
            finally:
                server._left()

        def _respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = server._serve(self.command, self.path, dict(self.headers.items()), body)
            if reply.hang:
                server._wait(reply.hang)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
