"""Timing helpers shared by the benchmark scripts: wall time and peak RSS of a child process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    peak_rss_mib: float
    returncode: int
    cpu_seconds: float = 0.0  # user and system time of the command and the children it waited for


def run_command(
    argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run a command to completion; its own peak RSS comes from wait4's rusage.  The disk is
    synced first, untimed, so no command pays for the writeback of the one before it (creating
    files here slows down several times while thousands of others are being written back)."""
    os.sync()
    start = time.perf_counter()
    process = subprocess.Popen(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, cpu)


def set_aside(paths: Sequence[Path], trash: Path) -> None:
    """Move folders out of the way of a cold run, into ``trash`` (deleted when the benchmark
    ends), rather than deleting them: ext4 will not reuse an inode freed in the last ~30 s and
    scans past every such one for each file it creates (``recently_deleted``), so a build just
    after deleting the 8,000 files of the run before spent seconds of kernel time on those scans
    and was measuring the deletion, not itself (seen here: 0.4 s to 4.7 s for the same files)."""
    trash.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.exists():
            path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")


def polyfolio(*args: str) -> list[str]:
    """The command line for ``polyfolio *args``, with the package byte-compiled first: a regular
    install (pip) compiles it, an editable one under PYTHONDONTWRITEBYTECODE never would, and
    each run would then compile every module again (~50 ms)."""
    import compileall

    import polyfolio as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    return [sys.executable, "-m", "polyfolio", *args]


def median_run(runs: int, make: Callable[[], Run], before: Callable[[], None] | None = None) -> Run:
    """The median wall time of ``runs`` runs (and the largest peak RSS seen)."""
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(make())
    failed = [r for r in results if r.returncode not in (0, 1)]
    if failed:
        raise SystemExit(f"benchmark command failed with exit code {failed[0].returncode}")
    return Run(
        statistics.median(r.seconds for r in results),
        max(r.peak_rss_mib for r in results),
        results[-1].returncode,
    )


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
