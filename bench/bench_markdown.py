"""Benchmark of Markdown body rendering: polyfolio's renderer (pulldown-cmark through pyromark,
plus our passes) against the markdown-it-py renderer it replaced (kept in the tests as the
reference), on the bench site's bodies and, when ../shared is there, the real corpus bodies.

Bodies come from a generated site (``bench.sitegen``: ~2.5 KB, a heading, a nested list, four
paragraphs; half Greek).  Each renderer renders every body ``--repeat`` times; the table shows
the median pass: wall time, time per body and bodies per second, and the engine call alone.

    python -m bench.bench_markdown               # 4,000 bodies
    python -m bench.bench_markdown --items 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyromark

from bench.sitegen import generate_site
from polyfolio.content.document import parse_document
from polyfolio.site.markdown import MarkdownRenderer
from tests.shared_data import corpus_files, seed_files
from tests.site.markdown_it_reference import MarkdownItRenderer


def site_bodies(items: int) -> list[str]:
    """The bodies of a generated bench site of ``items`` files."""
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        root = generate_site(Path(folder), items, translated=True)
        return [
            parse_document(path.name, path.read_bytes()).body
            for path in sorted((root / "_portfolio").glob("*.md"))
        ]


def real_bodies() -> list[str]:
    paths = seed_files() + corpus_files("portfolio")
    return [parse_document(path.name, path.read_bytes()).body for path in paths]


def median_pass(render: Callable[[str], str], bodies: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for body in bodies:
            render(body)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    engine = pyromark.Markdown(
        options=pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
    )
    start = time.perf_counter()
    ours = MarkdownRenderer(site_root="/")
    ours_setup = time.perf_counter() - start
    start = time.perf_counter()
    before = MarkdownItRenderer(site_root="/")
    before_setup = time.perf_counter() - start
    renderers: list[tuple[str, Callable[[str], str]]] = [
        ("polyfolio (pyromark + passes)", ours.render),
        ("pyromark.html alone", engine.html),
        ("markdown-it-py (before)", before.render),
    ]
    sets = [("bench site", site_bodies(args.items)), ("real corpus", real_bodies())]

    print(
        f"renderer set-up: polyfolio {ours_setup * 1000:.2f} ms, "
        f"markdown-it-py {before_setup * 1000:.2f} ms; median of {args.repeat} passes"
    )
    header = f"{'bodies':<13}{'renderer':<31}{'wall s':>9}{'ms/body':>9}{'bodies/s':>10}"
    print(header)
    for set_name, bodies in sets:
        if not bodies:
            continue
        kib = sum(len(body.encode()) for body in bodies) / len(bodies) / 1024
        label = f"{set_name}"
        for name, render in renderers:
            seconds = median_pass(render, bodies, args.repeat)
            print(
                f"{label:<13}{name:<31}{seconds:>9.3f}"
                f"{seconds / len(bodies) * 1000:>9.4f}{len(bodies) / seconds:>10.0f}"
            )
        print(f"{'':<13}({len(bodies)} bodies, {kib:.2f} KiB each on average)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
