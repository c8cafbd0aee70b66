"""HTTP as bytes on a socket, so request targets reach the server exactly as written."""

from __future__ import annotations

import socket
from dataclasses import dataclass

TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_get(port: int, target: str, method: str = "GET") -> Response:
    request = f"{method} {target} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request.encode("latin-1"))
        data = _read_all(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(int(status_line.split()[1]), headers, body)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


class EventStream:
    """A Server-Sent Events client reading ``event``/``data`` pairs from the dev server."""

    def __init__(self, port: int, path: str = "/__polyfolio/events") -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self._sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self._file = self._sock.makefile("rb")
        self.status = int(self._file.readline().split()[1])
        while self._file.readline() not in (b"\r\n", b""):
            pass  # headers

    def next_event(self) -> tuple[str, str]:
        """The next (event, data), skipping comments and retry hints."""
        event, data = "message", ""
        while True:
            line = self._file.readline()
            if not line:
                raise ConnectionError("event stream closed")
            text = line.decode("utf-8").rstrip("\r\n")
            if not text:
                if data:
                    return event, data
                event = "message"
            elif text.startswith("event:"):
                event = text[6:].strip()
            elif text.startswith("data:"):
                data = text[5:].strip()

    def close(self) -> None:
        self._file.close()
        self._sock.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
