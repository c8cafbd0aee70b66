"""``polyfolio build`` on a generated bilingual site: cold, warm with no change, one item
changed; wall time and peak RSS, median of several runs.  When ``hugo`` and ``jekyll`` are
installed (Debian packages), equivalent sites (bench/competitors.py: the same Markdown files, a
home grid and one page per item in both languages) are built in the same run, their cold builds
interleaved with ours, and the table shows ratios to Hugo's cold build.

python -m bench.bench_build                   # N = 4,000, 3 runs each
python -m bench.bench_build --items 1000 --runs 5 --no-hugo --no-jekyll
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench.competitors import hugo_command, jekyll_command, make_hugo_site, make_jekyll_site
from bench.measure import Run, median_run, polyfolio, run_command, table
from bench.sitegen import generate_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true", help="Skip Hugo even when installed.")
    parser.add_argument("--no-jekyll", action="store_true", help="Skip Jekyll (~50 s a build).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polyfolio-bench-") as tmp:
        base = Path(tmp)
        site = generate_site(base / "site", args.items, translated=True)
        out = base / "out"
        ours = polyfolio("build", str(site), "--out", str(out))
        others = _competitors(site, base, hugo=not args.no_hugo, jekyll=not args.no_jekyll)

        def fresh() -> None:
            shutil.rmtree(site / ".polyfolio", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)

        cold_runs: list[Run] = []
        other_runs: dict[str, list[Run]] = {name: [] for name in others}
        for _ in range(args.runs):  # interleaved, so all see the same machine load
            fresh()
            cold_runs.append(run_command(ours))
            for name, (command, output) in others.items():
                shutil.rmtree(output, ignore_errors=True)
                other_runs[name].append(run_command(command))
        cold = _median_run(cold_runs)
        warm = median_run(args.runs, lambda: run_command(ours))
        changed_file = site / "_portfolio" / "item-00001.md"
        original = changed_file.read_bytes()
        counter = iter(range(1_000_000))

        def change_one() -> None:
            changed_file.write_bytes(original + f"\nEdit {next(counter)}.\n".encode())

        one = median_run(args.runs, lambda: run_command(ours), before=change_one)
        pages = sum(1 for _ in out.rglob("index.html"))

    medians = {name: _median_run(runs) for name, runs in other_runs.items()}
    hugo_median = medians["hugo"].seconds if "hugo" in medians else None
    rows = [("run", "wall (s)", "peak RSS (MiB)", "× Hugo cold")]
    results = [
        ("polyfolio cold (no cache)", cold),
        ("polyfolio warm, no change", warm),
        ("polyfolio, one item changed", one),
        *((f"{name} cold", run) for name, run in medians.items()),
    ]
    for name, run in results:
        ratio = f"{run.seconds / hugo_median:.2f}" if hugo_median else "-"
        rows.append((name, f"{run.seconds:.3f}", f"{run.peak_rss_mib:.0f}", ratio))
    print(f"build of {args.items} items ({pages} index pages), median of {args.runs} runs")
    print(table(rows))
    if "jekyll" in medians:
        print(f"Jekyll cold / polyfolio cold: {medians['jekyll'].seconds / cold.seconds:.1f}x")


def _competitors(
    site: Path, base: Path, *, hugo: bool, jekyll: bool
) -> dict[str, tuple[list[str], Path]]:
    """Installed tools to compare with: name -> (cold build command, its output folder)."""
    found: dict[str, tuple[list[str], Path]] = {}
    if hugo and shutil.which("hugo"):
        root = make_hugo_site(site, base / "hugo")
        found["hugo"] = (hugo_command(root, base / "hugo-out"), base / "hugo-out")
    if jekyll and shutil.which("jekyll"):
        root = make_jekyll_site(site, base / "jekyll")
        found["jekyll"] = (jekyll_command(root, base / "jekyll-out"), base / "jekyll-out")
    return found


def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time, with the largest peak RSS of all."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(middle.seconds, max(r.peak_rss_mib for r in runs), middle.returncode)


if __name__ == "__main__":
    main()
