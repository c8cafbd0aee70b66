"""``polyfolio serve``: time from saving a file to the browser being told to reload.

Starts the dev server on a copy of the example site (or a generated one), keeps an event
stream open like a browser tab does, then edits one item's body several times and measures
until the SSE ``reload`` event arrives (watch latency + rebuild + notification).

python -m bench.bench_serve                 # examples/clinic, 10 edits
python -m bench.bench_serve --items 4000    # a generated bilingual site of 4,000 files
"""

from __future__ import annotations

import argparse
import resource
import shutil
import socket
import statistics
import tempfile
import time
from pathlib import Path

from bench.measure import table
from bench.sitegen import generate_site
from polyfolio.diagnostics import ContentError
from polyfolio.serve import BuildOutcome, DevServer
from polyfolio.site.build import build_site

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "clinic"
PAUSE_BETWEEN_EDITS = 0.3  # let the previous build settle so each edit is measured alone


class ReloadListener:
    """The part of a browser tab that matters here: an open event stream."""

    def __init__(self, port: int) -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self._sock.sendall(b"GET /__polyfolio/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        self._file = self._sock.makefile("rb")

    def next_reload(self) -> str:
        while line := self._file.readline():
            if line.startswith(b"data:"):
                return line[5:].strip().decode()
        raise ConnectionError("event stream closed")

    def close(self) -> None:
        self._file.close()
        self._sock.close()


class DevServerBuilder:
    """What ``polyfolio serve`` does on each change, with the build times kept."""

    def __init__(self, site: Path, out: Path) -> None:
        self.site = site
        self.out = out
        self.seconds: list[float] = []

    def __call__(self) -> BuildOutcome:
        started = time.perf_counter()
        try:
            diagnostics = list(build_site(self.site, self.out).diagnostics)
        except ContentError as exc:
            diagnostics = [exc.diagnostic]
        seconds = time.perf_counter() - started
        self.seconds.append(seconds)
        ok = not any(d.is_error for d in diagnostics)
        return BuildOutcome(ok, [str(d) for d in diagnostics], seconds)


def _edited_file(site: Path) -> Path:
    sources = sorted(p for p in (site / "_portfolio").rglob("*.md") if ".gr." not in p.name)
    return sources[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=0, help="generated site size (0: example)")
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polyfolio-bench-serve-") as tmp:
        site = Path(tmp) / "site"
        if args.items:
            generate_site(site, args.items, translated=True)
        else:
            shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns(".polyfolio", "_site"))
        builder = DevServerBuilder(site, Path(tmp) / "out")
        started = time.perf_counter()
        server = DevServer(
            builder.out,
            builder,
            [site],
            port=0,
            ignore=lambda path: path.is_relative_to(site / ".polyfolio"),
            on_build=lambda outcome: None,
            log=lambda line: None,
        )
        with server:
            startup = time.perf_counter() - started
            latencies = _measure_edits(server.port, _edited_file(site), args.edits)
            failed = not server.last_outcome.ok
    if failed:
        raise SystemExit("the last build failed; the figures are not meaningful")
    rebuilds = builder.seconds[1:]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    name = f"generated site, {args.items} files" if args.items else "examples/clinic"
    print(f"save → reload event on {name}, {args.edits} edits")
    print(
        table(
            [
                ("measure", "median (s)", "max (s)"),
                ("save → reload event", _median(latencies), f"{max(latencies):.3f}"),
                ("  of which rebuild", _median(rebuilds), f"{max(rebuilds):.3f}"),
                ("start (first build + bind)", f"{startup:.3f}", ""),
                ("peak RSS (MiB)", f"{peak:.0f}", ""),
            ]
        )
    )


def _measure_edits(port: int, edited: Path, edits: int) -> list[float]:
    listener = ReloadListener(port)
    try:
        listener.next_reload()  # the current build, announced on connect
        original = edited.read_bytes()
        latencies = []
        for number in range(edits):
            time.sleep(PAUSE_BETWEEN_EDITS)
            saved = time.perf_counter()
            edited.write_bytes(original + f"\n\nEdit number {number}.\n".encode())
            listener.next_reload()
            latencies.append(time.perf_counter() - saved)
        return latencies
    finally:
        listener.close()


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.3f}"


if __name__ == "__main__":
    main()
