"""``polyfolio build`` after editing one item of a generated site: in-process and as a command.

Each run edits one English item's body (a different one each time, so every run has a change),
then builds into the same output folder.  In-process runs call ``build_site`` as the dev
server does (imports already done); command runs start ``python -m polyfolio build``.  The
output goes to /dev/shm when it exists, so the figures are CPU rather than disk noise.

python -m bench.bench_incremental --items 4000 --runs 7
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.measure import polyfolio, run_command, table
from bench.sitegen import generate_site
from polyfolio.site.build import build_site

SHM = Path("/dev/shm")


def _sources(site: Path) -> list[Path]:
    return sorted(p for p in (site / "_portfolio").rglob("*.md") if ".gr." not in p.name)


def _edit(path: Path, run: int) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited for run {run}.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-incr-") as work:
        site = Path(work) / "site"
        generate_site(site, args.items, translated=True)
        out_parent = SHM if SHM.is_dir() else Path(work)
        with tempfile.TemporaryDirectory(prefix="bench-incr-out-", dir=out_parent) as out_dir:
            out = Path(out_dir) / "out"
            first = build_site(site, out)
            build_site(site, out)  # the page cache and record as a dev server has them
            sources = _sources(site)
            in_process: list[float] = []
            examined: list[int] = []
            for run in range(args.runs):
                _edit(sources[run * 7 % len(sources)], run)
                started = time.perf_counter()
                result = build_site(site, out)
                in_process.append(time.perf_counter() - started)
                examined.append(getattr(result, "groups_examined", -1))
                assert result.ok, result.errors[:3]
            command: list[float] = []
            argv = polyfolio("build", str(site), "--out", str(out))
            for run in range(args.runs):
                _edit(sources[(run * 7 + 3) % len(sources)], run)
                command.append(run_command(argv).seconds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.items} files, {first.pages} pages; median of {args.runs} one-item edits")
    print(
        table(
            [
                ("run", "wall", "groups examined"),
                ("in-process", f"{statistics.median(in_process):.3f} s", str(examined[-1])),
                ("command", f"{statistics.median(command):.3f} s", ""),
                ("peak RSS (this process)", f"{peak:.0f} MiB", ""),
            ]
        )
    )


if __name__ == "__main__":
    main()
