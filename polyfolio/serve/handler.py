"""Answer one HTTP request: a file under the root, the live-reload script, or the event stream."""

from __future__ import annotations

import os
import shutil
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from msgspec import Struct

from polyfolio.serve.contenttypes import content_type, is_html
from polyfolio.serve.hub import BuildHub
from polyfolio.serve.inject import (
    EVENTS_PATH,
    RELOAD_SCRIPT,
    SCRIPT_PATH,
    WORKER_PATH,
    WORKER_SCRIPT,
    fallback_page,
    inject_into_html,
)
from polyfolio.serve.urlpath import BadRequest, File, NotFound, Redirect, resolve_target

KEEPALIVE_SECONDS = 15.0  # an SSE comment this often lets a vanished browser free its thread
SOCKET_TIMEOUT_SECONDS = 30.0  # a client that stops sending mid-request cannot hold a thread
_SCRIPTS = {SCRIPT_PATH: RELOAD_SCRIPT, WORKER_PATH: WORKER_SCRIPT}


class Served(Struct, frozen=True):
    """What the handlers serve: a resolved root folder mounted at ``base_path``."""

    root: Path
    base_path: str
    hub: BuildHub


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive on Ctrl-C
    request_queue_size = 128  # a burst of parallel connections queues instead of being dropped

    def __init__(self, address: tuple[str, int], served: Served, family: int) -> None:
        self.address_family = family
        self.served = served
        super().__init__(address, DevRequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser closing a connection mid-response is routine, not worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class DevRequestHandler(BaseHTTPRequestHandler):
    server_version = "polyfolio-serve"
    sys_version = ""
    timeout = SOCKET_TIMEOUT_SECONDS
    server: DevHTTPServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for build messages, not one line per image."""

    def _answer(self, send_body: bool) -> None:
        served = self.server.served
        request_path = self.path.split("?", 1)[0]
        if request_path == EVENTS_PATH and send_body:
            self._stream_events(served.hub)
            return
        if request_path in _SCRIPTS:
            script = _SCRIPTS[request_path].encode()
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", script, send_body)
            return
        target = resolve_target(served.root, served.base_path, self.path)
        if isinstance(target, File):
            self._send_file(target.path, HTTPStatus.OK, send_body)
        elif isinstance(target, Redirect):
            self._redirect(target.location)
        elif isinstance(target, NotFound):
            self._not_found(target, send_body)
        elif isinstance(target, BadRequest):
            self._send(
                HTTPStatus.BAD_REQUEST,
                "text/plain; charset=utf-8",
                f"bad request: {target.reason}\n".encode(),
                send_body,
            )

    def _send_file(self, path: Path, status: HTTPStatus, send_body: bool) -> None:
        try:
            if is_html(path):
                tag, outcome = self.server.served.hub.snapshot()
                self._send(
                    status,
                    content_type(path),
                    inject_into_html(path.read_bytes(), tag, outcome),
                    send_body,
                )
                return
            with path.open("rb") as handle:
                # The size of the file opened: a build may replace the path meanwhile.
                size = os.fstat(handle.fileno()).st_size
                self._start(status, content_type(path), size)
                if send_body:
                    shutil.copyfileobj(handle, self.wfile)
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            # Removed by a build since it was resolved, or not ours to read.
            self._not_found(NotFound(None), send_body)

    def _not_found(self, target: NotFound, send_body: bool) -> None:
        if target.page is not None:
            self._send_file(target.page, HTTPStatus.NOT_FOUND, send_body)
            return
        tag, outcome = self.server.served.hub.snapshot()
        page = fallback_page("Not found", outcome, tag)
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", page, send_body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, kind: str, body: bytes, send_body: bool) -> None:
        self._start(status, kind, len(body))
        if send_body:
            self.wfile.write(body)

    def _start(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")  # an edit must show on the next reload
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _stream_events(self, hub: BuildHub) -> None:
        """Server-Sent Events: the current build tag at once, then each new one."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        seen: str | None = None
        while (tag := hub.wait(seen, KEEPALIVE_SECONDS)) is not None:
            if tag == seen:
                self.wfile.write(b": keep-alive\n\n")
            else:
                self.wfile.write(f"event: reload\ndata: {tag}\n\n".encode())
                seen = tag
