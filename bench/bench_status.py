"""``polyfolio status`` on a generated bilingual site: cold (no cache) and warm.

python -m bench.bench_status            # N = 4,000, 5 runs each
python -m bench.bench_status --items 1000 --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench.measure import median_run, polyfolio, run_command, table
from bench.sitegen import generate_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polyfolio-bench-") as tmp:
        site = generate_site(Path(tmp) / "site", args.items, translated=True)
        command = polyfolio("status", str(site), "--check")
        cache = site / ".polyfolio"

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold = median_run(args.runs, lambda: run_command(command), before=drop_cache)
        run_command(command)  # fill the cache
        warm = median_run(args.runs, lambda: run_command(command))
        size = sum(p.stat().st_size for p in (site / "_portfolio").iterdir())
    print(f"status on {args.items} files ({size / 1e6:.1f} MB), median of {args.runs} runs")
    print(
        table(
            [
                ("run", "wall (s)", "peak RSS (MiB)"),
                ("cold (no cache)", f"{cold.seconds:.3f}", f"{cold.peak_rss_mib:.0f}"),
                ("warm (cache)", f"{warm.seconds:.3f}", f"{warm.peak_rss_mib:.0f}"),
            ]
        )
    )


if __name__ == "__main__":
    main()
