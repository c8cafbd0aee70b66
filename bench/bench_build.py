"""``polyfolio build`` on a generated bilingual site: cold, warm with no change, one item
changed; wall time and peak RSS, median of several runs.  When ``hugo`` is installed, an
equivalent Hugo site (same Markdown files, a home grid and one page per item in both languages)
is built in the same run, interleaved with ours, and the table shows ratios to Hugo's cold build.

python -m bench.bench_build                   # N = 4,000, 3 runs each
python -m bench.bench_build --items 1000 --runs 5 --no-hugo
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench.measure import Run, median_run, polyfolio, run_command, table
from bench.sitegen import generate_site

HUGO_CONFIG = """\
baseURL = "https://bench.example/"
title = "Bench clinic"
defaultContentLanguage = "en"
disableKinds = ["taxonomy", "term", "RSS"]
[languages.en]
weight = 1
languageCode = "en"
[languages.gr]
weight = 2
languageCode = "el"
[markup.goldmark.renderer]
unsafe = true
"""

HUGO_HEAD = """<!DOCTYPE html><html lang="{{ .Site.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title><link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Site.LanguageCode }}"
href="{{ .Permalink }}">{{ end }}</head><body>
<nav>{{ range .AllTranslations }}<a href="{{ .RelPermalink }}">{{ .Language.Lang }}</a>
{{ end }}</nav>
"""

HUGO_LAYOUTS = {
    "index.html": HUGO_HEAD
    + """<ul class="portfolio-grid">{{ range where .Site.RegularPages "Section" "portfolio" }}
<li><a href="{{ .RelPermalink }}"><img src="{{ .Params.caption.thumbnail | relURL }}"
alt="{{ .Params.alt }}" loading="lazy"><h3>{{ .Params.caption.title }}</h3></a></li>{{ end }}
</ul></body></html>""",
    "_default/single.html": HUGO_HEAD
    + """<article><h1>{{ .Title }}</h1><p>{{ .Params.subtitle }}</p>
<img src="{{ .Params.image | relURL }}" alt="{{ .Params.alt }}" loading="lazy">
{{ .Content }}</article></body></html>""",
    "_default/list.html": HUGO_HEAD + "</body></html>",
}


def hugo_site(site: Path, folder: Path) -> Path:
    """The same items as a Hugo site: ``x.md`` (en) and ``x.gr.md`` under content/portfolio."""
    (folder / "content").mkdir(parents=True)
    shutil.copytree(site / "_portfolio", folder / "content" / "portfolio")
    shutil.copytree(site / "assets", folder / "static" / "assets")
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true", help="Skip Hugo even when installed.")
    args = parser.parse_args()
    hugo = None if args.no_hugo else shutil.which("hugo")
    with tempfile.TemporaryDirectory(prefix="polyfolio-bench-") as tmp:
        base = Path(tmp)
        site = generate_site(base / "site", args.items, translated=True)
        out = base / "out"
        ours = polyfolio("build", str(site), "--out", str(out))
        hugo_root = hugo_site(site, base / "hugo") if hugo else None

        def fresh() -> None:
            shutil.rmtree(site / ".polyfolio", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)

        def hugo_cold() -> Run:
            assert hugo and hugo_root
            shutil.rmtree(hugo_root / "public", ignore_errors=True)
            shutil.rmtree(hugo_root / "resources", ignore_errors=True)
            return run_command([hugo, "--quiet", "-s", str(hugo_root)])

        cold_runs: list[Run] = []
        hugo_runs: list[Run] = []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            fresh()
            cold_runs.append(run_command(ours))
            if hugo:
                hugo_runs.append(hugo_cold())
        cold = _median_run(cold_runs)
        warm = median_run(args.runs, lambda: run_command(ours))
        changed_file = site / "_portfolio" / "item-00001.md"
        original = changed_file.read_bytes()
        counter = iter(range(1_000_000))

        def change_one() -> None:
            changed_file.write_bytes(original + f"\nEdit {next(counter)}.\n".encode())

        one = median_run(args.runs, lambda: run_command(ours), before=change_one)
        pages = sum(1 for _ in out.rglob("index.html"))

    rows = [("run", "wall (s)", "peak RSS (MiB)", "× Hugo cold")]
    hugo_median = _median_run(hugo_runs).seconds if hugo_runs else None
    for name, run in (
        ("polyfolio cold (no cache)", cold),
        ("polyfolio warm, no change", warm),
        ("polyfolio, one item changed", one),
    ):
        ratio = f"{run.seconds / hugo_median:.2f}" if hugo_median else "-"
        rows.append((name, f"{run.seconds:.3f}", f"{run.peak_rss_mib:.0f}", ratio))
    if hugo_runs and hugo_median:
        rss = max(r.peak_rss_mib for r in hugo_runs)
        rows.append(("hugo cold", f"{hugo_median:.3f}", f"{rss:.0f}", "1.00"))
    print(f"build of {args.items} items ({pages} index pages), median of {args.runs} runs")
    print(table(rows))


def _median_run(runs: list[Run]) -> Run:
    """The run of median wall time, with the largest peak RSS of all."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(middle.seconds, max(r.peak_rss_mib for r in runs), middle.returncode)


if __name__ == "__main__":
    main()
