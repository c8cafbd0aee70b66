"""Cold builds by two polyfolio checkouts, interleaved: is a change faster, and by how much?

python -m bench.ab_build OTHER_CHECKOUT [--items 4000] [--runs 15]

Builds one generated site with ``python -m polyfolio build`` from OTHER_CHECKOUT (first on
PYTHONPATH: e.g. ``git worktree add /tmp/before HEAD~3``) and from this checkout, alternately,
each run cold (the site's caches and the output set aside first), and prints each one's median
wall and CPU time (user + system, children included) and their ratios.  On a 2-core machine
shared with others, single cold builds vary by ±10%: a smaller change needs many rounds, and
CPU time shows it before wall time does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import tempfile
from pathlib import Path

from bench.measure import Run, polyfolio, run_command, set_aside, table
from bench.sitegen import generate_site

THIS_CHECKOUT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("other", type=Path, help="the other checkout (holding polyfolio/)")
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    other = args.other.resolve()
    if not (other / "polyfolio" / "__init__.py").is_file():
        raise SystemExit(f"{other} holds no polyfolio/ package")
    compileall.compile_dir(other / "polyfolio", quiet=1)  # as polyfolio() does for this one
    runs = compare(other, args.items, args.runs)
    print(f"cold builds of {args.items} files, median of {args.runs} interleaved runs")
    print(table(_rows(runs)))


def compare(other: Path, items: int, rounds: int) -> dict[str, list[Run]]:
    with tempfile.TemporaryDirectory(prefix="polyfolio-ab-") as tmp:
        base = Path(tmp)
        site = generate_site(base / "site", items, translated=True)
        out = base / "out"
        command = polyfolio("build", str(site), "--out", str(out))
        # Each checkout first on the path, run from a folder holding neither (``-m`` puts the
        # working folder before PYTHONPATH).
        environments = {
            "other": {**os.environ, "PYTHONPATH": str(other)},
            "this": {**os.environ, "PYTHONPATH": str(THIS_CHECKOUT)},
        }
        runs: dict[str, list[Run]] = {name: [] for name in environments}
        for _ in range(rounds):
            for name, environment in environments.items():
                set_aside([site / ".polyfolio", out], base / "set-aside")
                run = run_command(command, environment, cwd=base)
                if run.returncode not in (0, 1):
                    raise SystemExit(f"the {name} checkout's build failed ({run.returncode})")
                runs[name].append(run)
        return runs


def _rows(runs: dict[str, list[Run]]) -> list[list[str]]:
    wall = {name: statistics.median(r.seconds for r in found) for name, found in runs.items()}
    cpu = {name: statistics.median(r.cpu_seconds for r in found) for name, found in runs.items()}
    rows = [["checkout", "wall (s)", "CPU (s)", "wall ÷ other", "CPU ÷ other"]]
    for name in runs:
        rows.append(
            [
                name,
                f"{wall[name]:.3f}",
                f"{cpu[name]:.3f}",
                f"{wall[name] / wall['other']:.3f}",
                f"{cpu[name] / cpu['other']:.3f}",
            ]
        )
    return rows


if __name__ == "__main__":
    main()
