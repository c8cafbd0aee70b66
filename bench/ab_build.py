"""Builds by two polyfolio checkouts, interleaved: is a change faster, and by how much?

python -m bench.ab_build OTHER_CHECKOUT [--items 4000] [--runs 15] [--rebuilds]

Builds one generated site with ``python -m polyfolio build`` from OTHER_CHECKOUT (first on
PYTHONPATH: e.g. ``git worktree add /tmp/before HEAD~3``) and from this checkout, alternately,
each run cold (the site's caches and the output set aside first), and prints each one's median
wall and CPU time (user + system, children included) and their ratios.  On a 2-core machine
shared with others, single cold builds vary by ±10%: a smaller change needs many rounds, and
CPU time shows it before wall time does.

``--rebuilds``: each round, a build with nothing changed and one after an item's edit, by each
checkout on its own copy of the site (a build's record holds the code that made it, so on one
copy every build would be a full one); also prints the median of each round's difference.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
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
    parser.add_argument("--rebuilds", action="store_true", help="no change and one item changed")
    args = parser.parse_args()
    other = args.other.resolve()
    if not (other / "polyfolio" / "__init__.py").is_file():
        raise SystemExit(f"{other} holds no polyfolio/ package")
    compileall.compile_dir(other / "polyfolio", quiet=1)  # as polyfolio() does for this one
    if args.rebuilds:
        rebuilds = compare_rebuilds(other, args.items, args.runs)
        print(f"rebuilds of {args.items} files, median of {args.runs} interleaved rounds")
        print(table(_rebuild_rows(rebuilds)))
        return
    runs = compare(other, args.items, args.runs)
    print(f"cold builds of {args.items} files, median of {args.runs} interleaved runs")
    print(table(_rows(runs)))


def compare(other: Path, items: int, rounds: int) -> dict[str, list[Run]]:
    with tempfile.TemporaryDirectory(prefix="polyfolio-ab-") as tmp:
        base = Path(tmp)
        site = generate_site(base / "site", items, translated=True)
        out = base / "out"
        command = polyfolio("build", str(site), "--out", str(out))
        runs: dict[str, list[Run]] = {name: [] for name in _environments(other)}
        for _ in range(rounds):
            for name, environment in _environments(other).items():
                set_aside([site / ".polyfolio", out], base / "set-aside")
                runs[name].append(_run(name, command, environment, base))
        return runs


# Rebuild kind → checkout → its runs, round by round.
Rebuilds = dict[str, dict[str, list[Run]]]
REBUILDS = ("no change", "one item changed")


def compare_rebuilds(other: Path, items: int, rounds: int) -> Rebuilds:
    with tempfile.TemporaryDirectory(prefix="polyfolio-ab-") as tmp:
        base = Path(tmp)
        generate_site(base / "site", items, translated=True)
        commands, edited = {}, {}
        for name, environment in _environments(other).items():
            site = shutil.copytree(base / "site", base / name / "site")
            commands[name] = polyfolio("build", str(site), "--out", str(base / name / "out"))
            edited[name] = min((site / "_portfolio").iterdir())
            for _ in range(2):  # the first build, then one whose record settles the stamps
                _run(name, commands[name], environment, base)
        found: Rebuilds = {kind: {name: [] for name in commands} for kind in REBUILDS}
        for number in range(rounds):
            sides = list(_environments(other).items())
            for kind in REBUILDS:
                for name, environment in sides if number % 2 else reversed(sides):  # either first
                    if kind != "no change":
                        _append(edited[name], f"\nEdit {number}.\n")
                    found[kind][name].append(_run(name, commands[name], environment, base))
        return found


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _environments(other: Path) -> dict[str, dict[str, str]]:
    """Each checkout first on the path, run from a folder holding neither (``-m`` puts the
    working folder before PYTHONPATH)."""
    return {
        "other": {**os.environ, "PYTHONPATH": str(other)},
        "this": {**os.environ, "PYTHONPATH": str(THIS_CHECKOUT)},
    }


def _run(name: str, command: list[str], environment: dict[str, str], cwd: Path) -> Run:
    run = run_command(command, environment, cwd=cwd)
    if run.returncode not in (0, 1):
        raise SystemExit(f"the {name} checkout's build failed ({run.returncode})")
    return run


def _rebuild_rows(found: Rebuilds) -> list[list[str]]:
    rows = [["rebuild", "other (s)", "this (s)", "this − other, median of rounds (ms)"]]
    for kind, runs in found.items():
        other, this = ([r.seconds for r in runs[name]] for name in ("other", "this"))
        difference = statistics.median(b - a for a, b in zip(other, this, strict=True))
        walls = (f"{statistics.median(seconds):.3f}" for seconds in (other, this))
        rows.append([kind, *walls, f"{difference * 1000:+.0f}"])
    return rows


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
