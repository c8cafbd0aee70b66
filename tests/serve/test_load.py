"""A bounded load test on loopback: many parallel clients and open event streams while builds
happen; every request answered correctly, the server alive afterwards."""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from polyfolio.serve import BuildOutcome, DevServer
from tests.serve.conftest import quiet
from tests.serve.rawhttp import EventStream

CLIENTS = 50
EVENT_STREAMS = 5
SECONDS = 5.0
BLOB_SIZE = 200_000


@dataclass
class Tally:
    ok: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.ok += 1
            else:
                self.errors.append(error)


def _fetch(port: int, path: str, expected: bytes) -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    except OSError as exc:
        return f"{path}: {type(exc).__name__}: {exc}"
    finally:
        connection.close()
    if response.status != 200 or not body.startswith(expected):
        return f"{path}: status {response.status}, {len(body)} bytes"
    return None


def test_fifty_parallel_clients_get_every_answer(tmp_path: Path) -> None:
    blob = bytes(range(256)) * (BLOB_SIZE // 256)
    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    (tmp_path / "blob.webp").write_bytes(blob)
    (tmp_path / "style.css").write_text("body{}")
    targets = [("/", b"<html><body>home"), ("/blob.webp", blob), ("/style.css", b"body{}")]
    tally = Tally()
    deadline = time.monotonic() + SECONDS

    def client(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            path, expected = targets[turn % len(targets)]
            tally.add(_fetch(server.port, path, expected))
            turn += 1

    server = DevServer(tmp_path, lambda: BuildOutcome(True), [], port=0, on_build=quiet)
    with server:
        streams = [EventStream(server.port) for _ in range(EVENT_STREAMS)]
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        builds = 0
        while time.monotonic() < deadline:
            server.rebuild()  # event streams get announcements while files are being served
            builds += 1
            time.sleep(0.5)
        for thread in threads:
            thread.join(30)
        for stream in streams:
            events = [stream.next_event() for _ in range(2)]
            assert all(event == "reload" for event, _ in events)
            stream.close()
        assert not any(thread.is_alive() for thread in threads)
        assert tally.errors == []
        assert tally.ok > CLIENTS  # every client was answered, more than once
        assert builds > 1
        assert _fetch(server.port, "/", b"<html><body>home") is None  # still alive
