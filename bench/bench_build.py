"""``polyfolio build`` on generated bilingual sites: cold, warm with no change, one item changed;
wall time and peak RSS, median of several runs, at each size asked for.  When ``hugo`` and
``jekyll`` are installed (Debian packages), equivalent sites (bench/competitors.py: the same
Markdown files, a home grid and one page per item in both languages) are built in the same run,
their cold builds interleaved with ours, and the table shows ratios to Hugo's cold build.

Two sites (``--site``):
- ``agency`` (the default): each item shows an image, as agency items do.  polyfolio makes its
  responsive variants; Hugo's plain site copies the file, and a second Hugo site makes the same
  variants.
- ``issue``: the site exactly as issue #5 describes it, with no image fields: both tools do the
  same work.
``--site both`` measures the two in one run, their cold builds interleaved round by round, so
both sites' ratios come from the same minutes of the machine.

python -m bench.bench_build                          # N = 4,000, 3 runs each, agency site
python -m bench.bench_build --items 100 1000 4000 --runs 5 --no-jekyll
python -m bench.bench_build --runs 7 --no-jekyll --site both
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.competitors import hugo_command, jekyll_command, make_hugo_site, make_jekyll_site
from bench.measure import Run, median_run, polyfolio, run_command, set_aside, table
from bench.sitegen import generate_site

SITES = {"agency": True, "issue": False}  # site → whether its items show images


@dataclass(frozen=True, slots=True)
class SizeResult:
    site: str
    items: int
    pages: int
    cold: Run
    warm: Run
    one_change: Run
    others: dict[str, Run]  # competitor → its median cold run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, nargs="+", default=[4000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true", help="Skip Hugo even when installed.")
    parser.add_argument("--no-jekyll", action="store_true", help="Skip Jekyll (~50 s a build).")
    parser.add_argument("--site", choices=[*SITES, "both"], default="agency")
    args = parser.parse_args()
    sites = list(SITES) if args.site == "both" else [args.site]
    results = [
        result
        for items in args.items
        for result in measure_size(
            items, args.runs, hugo=not args.no_hugo, jekyll=not args.no_jekyll, sites=sites
        )
    ]
    print(f"polyfolio build, median of {args.runs} runs (ratios to Hugo's cold build of the site)")
    print(table(_rows(results)))
    for result in results:
        if "jekyll" in result.others:
            ratio = result.others["jekyll"].seconds / result.cold.seconds
            print(
                f"{result.site}, {result.items} items: Jekyll cold / polyfolio cold = {ratio:.1f}x"
            )


def measure_size(
    items: int, runs: int, *, hugo: bool, jekyll: bool, sites: list[str]
) -> list[SizeResult]:
    with tempfile.TemporaryDirectory(prefix="polyfolio-bench-") as tmp:
        base = Path(tmp)
        trash = base / "set-aside"
        benches = [_SiteBench(name, base / name, items, hugo=hugo, jekyll=jekyll) for name in sites]
        for _ in range(runs):  # interleaved, so all see the same machine load
            for bench in benches:
                bench.cold_round(trash)
        return [bench.finish(runs) for bench in benches]


class _SiteBench:
    """One generated site, its competitors' versions, and the cold runs made so far."""

    def __init__(self, name: str, base: Path, items: int, *, hugo: bool, jekyll: bool) -> None:
        images = SITES[name]
        self.name, self.items = name, items
        self.site = generate_site(base / "site", items, translated=True, images=images)
        self.out = base / "out"
        self.ours = polyfolio("build", str(self.site), "--out", str(self.out))
        self.others = _competitors(self.site, base, hugo=hugo, jekyll=jekyll, images=images)
        self.cold_runs: list[Run] = []
        self.other_runs: dict[str, list[Run]] = {name: [] for name in self.others}

    def cold_round(self, trash: Path) -> None:
        """Our cold build, then each competitor's."""
        set_aside([self.site / ".polyfolio", self.out], trash)
        self.cold_runs.append(run_command(self.ours))
        for name, (command, cold_paths) in self.others.items():
            set_aside(cold_paths, trash)
            self.other_runs[name].append(run_command(command))

    def finish(self, runs: int) -> SizeResult:
        """The warm and one-item runs, and the medians of all."""
        warm = median_run(runs, lambda: run_command(self.ours))
        changed_file = self.site / "_portfolio" / "item-00001.md"
        original = changed_file.read_bytes()
        counter = iter(range(1_000_000))

        def change_one() -> None:
            changed_file.write_bytes(original + f"\nEdit {next(counter)}.\n".encode())

        one = median_run(runs, lambda: run_command(self.ours), before=change_one)
        return SizeResult(
            site=self.name,
            items=self.items,
            pages=sum(1 for _ in self.out.rglob("index.html")),
            cold=_median_run(self.cold_runs),
            warm=warm,
            one_change=one,
            others={name: _median_run(r) for name, r in self.other_runs.items()},
        )


def _rows(results: list[SizeResult]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        ("site", "items", "run", "wall (s)", "peak RSS (MiB)", "× Hugo cold")
    ]
    for result in results:
        hugo = result.others.get("hugo")
        runs = [
            ("polyfolio cold (no cache)", result.cold),
            ("polyfolio warm, no change", result.warm),
            ("polyfolio, one item changed", result.one_change),
            *((f"{name} cold", run) for name, run in result.others.items()),
        ]
        for name, run in runs:
            ratio = f"{run.seconds / hugo.seconds:.2f}" if hugo else "-"
            rows.append(
                (
                    result.site,
                    f"{result.items:,}",
                    name,
                    f"{run.seconds:.3f}",
                    f"{run.peak_rss_mib:.0f}",
                    ratio,
                )
            )
    return rows


def _competitors(
    site: Path, base: Path, *, hugo: bool, jekyll: bool, images: bool
) -> dict[str, tuple[list[str], list[Path]]]:
    """Installed tools to compare with: name -> (cold build command, the folders a cold build
    starts without: its output and any cache).  ``images``: the items have images, and a
    second Hugo site makes the variants polyfolio makes."""
    found: dict[str, tuple[list[str], list[Path]]] = {}
    if hugo and shutil.which("hugo"):
        root = make_hugo_site(site, base / "hugo")
        found["hugo"] = (hugo_command(root, base / "hugo-out"), [base / "hugo-out"])
        if images:
            root = make_hugo_site(site, base / "hugo-images", images=True)
            out = base / "hugo-images-out"
            found["hugo + image variants"] = (hugo_command(root, out), [out, root / "resources"])
    if jekyll and shutil.which("jekyll"):
        root = make_jekyll_site(site, base / "jekyll")
        found["jekyll"] = (jekyll_command(root, base / "jekyll-out"), [base / "jekyll-out"])
    return found


def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time, with the largest peak RSS of all."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(middle.seconds, max(r.peak_rss_mib for r in runs), middle.returncode)


if __name__ == "__main__":
    main()
