"""Benchmarks of ``polyfolio translate`` on generated sites (bench/sitegen.py).

1. no-op: the 4,000-file site, every translation current (goal ≤ 1 s), in-process and as the
   ``polyfolio`` command (which adds interpreter start-up and imports);
2. throughput: translating every item of an untranslated site, with the ``copy`` engine (the
   pure pipeline: segment, plan, memory, check, rebuild, write) and through HTTP against the fake
   OpenAI-compatible server with no latency (goal ≥ 2,000 segments/s);
3. concurrency: an engine answering each batch after 100 ms — the fake server, and the copy
   engine behind a sleep (the run's own overlap, without an HTTP client's CPU) — concurrency 1
   vs 8 (goal ≥ 6× at 8), on a subset that takes a few seconds at concurrency 1.

Each scenario runs in its own process, so its peak RSS is its own.  The fake server runs in a
separate process too, so it does not share the interpreter lock with the run it serves.

    python -m bench.bench_translate            # all scenarios, a table
    python -m bench.bench_translate --items 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from bench.sitegen import generate_site
from polyfolio.translate.engines.base import BatchContext, Request

REPO = Path(__file__).resolve().parents[1]
TRANSLATE_SECTION = """\
  translate:
    engine: openai
    model: bench-model
    base_url: {base_url}
    concurrency: {concurrency}
    max_retries: 0
"""
_SERVER = """
import sys, time
sys.path.insert(0, {tests!r})
from servers.openai_server import FakeOpenAI
server = FakeOpenAI()
server.latency = {latency}
# Real servers answer with TCP_NODELAY; without it, headers and body written apart meet the
# client's delayed ACK and every request costs ~40 ms more than its latency.
server._httpd.RequestHandlerClass.disable_nagle_algorithm = True
server.start()
print(server.base_url, flush=True)
sys.stdin.read()
server.stop()
"""


@contextmanager
def fake_openai(latency: float) -> Iterator[str]:
    """The tests' fake OpenAI-compatible server in a child process; yields its base URL."""
    code = _SERVER.format(tests=str(REPO / "tests"), latency=latency)
    server = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.communicate("")


def with_engine(site: Path, base_url: str, concurrency: int) -> None:
    config = site / "_config.yml"
    section = TRANSLATE_SECTION.format(base_url=base_url, concurrency=concurrency)
    config.write_text(config.read_text(encoding="utf-8") + section, encoding="utf-8")


def timed_translate(site: Path, engine: str | None = None) -> dict[str, Any]:
    from polyfolio.translate.run import TranslateOptions, translate_site

    started, cpu_started = time.perf_counter(), time.process_time()
    report = translate_site(site, TranslateOptions(engine=engine))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # steadier than wall time on a busy machine
    assert not report.failed, [str(d) for d in report.diagnostics if d.is_error][:5]
    return {
        "wall": wall,
        "cpu": cpu,
        "segments": report.requests,
        "files": len(report.written),
        "plan": report.seconds.get("plan", 0.0),
        "send": report.seconds.get("send", 0.0),
    }


# --- scenarios (each in its own process) ----------------------------------------------------


def scenario_noop(work: Path, items: int) -> dict[str, Any]:
    site = generate_site(work / "site", items, translated=True)
    timed_translate(site, "copy")  # first run: fills the front matter cache, creates the memory
    result = timed_translate(site, "copy")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "polyfolio", "translate", str(site), "--engine", "copy"],
        capture_output=True,
        text=True,
        check=False,
    )
    result["cli_wall"] = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert result["segments"] == 0 and result["files"] == 0
    return result


def scenario_copy(work: Path, items: int) -> dict[str, Any]:
    site = generate_site(work / "site", items, translated=False)
    return timed_translate(site, "copy")


def scenario_http(work: Path, items: int, latency: float, concurrency: int) -> dict[str, Any]:
    site = generate_site(work / "site", items, translated=False)
    with fake_openai(latency) as base_url:
        with_engine(site, base_url, concurrency)
        return timed_translate(site)


class SlowCopyEngine:
    """The copy engine behind a fixed latency, with the openai engine's batch limits: the run's
    own concurrency, without an HTTP client's CPU cost."""

    name = "slow-copy"
    max_batch_segments = 40
    max_batch_chars = 8_000

    def __init__(self, latency: float) -> None:
        self.latency = latency

    def settings_key(self) -> str:
        return "slow-copy"

    async def translate(self, batch: Sequence[Request], context: BatchContext) -> dict[str, str]:
        await asyncio.sleep(self.latency)
        return {request.id: request.text for request in batch}

    async def aclose(self) -> None:
        return None


def scenario_slow_copy(work: Path, items: int, latency: float, concurrency: int) -> dict[str, Any]:
    site = generate_site(work / "site", items, translated=False)
    config = site / "_config.yml"
    section = f"  translate:\n    engine: copy\n    concurrency: {concurrency}\n"
    config.write_text(config.read_text(encoding="utf-8") + section, encoding="utf-8")
    with patch("polyfolio.translate.run.create_engine", lambda _: SlowCopyEngine(latency)):
        return timed_translate(site)


def run_scenario(name: str, items: int, latency: float, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="polyfolio-bench-") as folder:
        work = Path(folder)
        if name == "noop":
            result = scenario_noop(work, items)
        elif name == "copy":
            result = scenario_copy(work, items)
        elif name == "slow-copy":
            result = scenario_slow_copy(work, items, latency, concurrency)
        else:
            result = scenario_http(work, items, latency, concurrency)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def in_child(name: str, items: int, latency: float = 0.0, concurrency: int = 4) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "bench.bench_translate",
        "--scenario",
        name,
        "--items",
        str(items),
        "--latency",
        str(latency),
        "--concurrency",
        str(concurrency),
    ]
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"scenario {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- the table ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=4000, help="files of the no-op site")
    parser.add_argument("--throughput-items", type=int, default=1000)
    parser.add_argument("--concurrency-items", type=int, default=600)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--latency", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        result = run_scenario(args.scenario, args.items, args.latency, args.concurrency)
        print(json.dumps(result))
        return

    rows: list[tuple[str, str, str, str]] = []
    noop = in_child("noop", args.items)
    rows.append(
        (
            f"no-op translate, {args.items} files (all current)",
            f"{noop['wall']:.2f} s in-process; {noop['cli_wall']:.2f} s as a command",
            "≤ 1 s",
            f"{noop['peak_rss_mb']:.0f}",
        )
    )
    for label, name in (("copy engine", "copy"), ("fake OpenAI over HTTP, 0 ms", "http")):
        result = in_child(name, args.throughput_items, 0.0, 4)
        rate = result["segments"] / result["wall"]
        rows.append(
            (
                f"throughput, {label}, {args.throughput_items} files",
                f"{rate:,.0f} segments/s ({result['segments']} in {result['wall']:.2f} s; "
                f"{result['segments'] / result['cpu']:,.0f} per CPU-second of the run)",
                "≥ 2,000 segments/s",
                f"{result['peak_rss_mb']:.0f}",
            )
        )
    for label, name in (("fake OpenAI over HTTP", "http"), ("copy engine", "slow-copy")):
        one = in_child(name, args.concurrency_items, 0.1, 1)
        eight = in_child(name, args.concurrency_items, 0.1, 8)
        rows.append(
            (
                f"concurrency 1 → 8, {label}, 100 ms latency, {args.concurrency_items} files",
                f"{one['wall'] / eight['wall']:.1f}× whole run ({one['wall']:.2f} s → "
                f"{eight['wall']:.2f} s); {one['send'] / eight['send']:.1f}× sending "
                f"({one['segments']} segments)",
                "≥ 6×",
                f"{max(one['peak_rss_mb'], eight['peak_rss_mb']):.0f}",
            )
        )
    _print_table(("benchmark", "result", "goal", "peak RSS MB"), rows)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{os.cpu_count()} CPUs; load average {load} (other work slows wall times)")


def _print_table(header: tuple[str, ...], rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
