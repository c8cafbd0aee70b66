"""Benchmark of the segment → translate → write-back path, per document, with no engine cost.

Each document is generated: seed-like front matter and a ~2.5 KB body with a heading, nested
lists with TABs after the markers, paragraphs with emphasis, links, code spans and a table.
Timed per phase over all documents (one process, one parser):

* ``segment``: :func:`segment_document` (markdown-it parse + placeholders);
* ``pseudo``: the zero-latency engine stand-in (:func:`pseudolocalize` on every segment);
* ``check``: :func:`check_translation` on every answer;
* ``build``: :func:`build_target` writing every translation back into the source layout.

    python -m bench.bench_segments              # 4,000 documents
    python -m bench.bench_segments --docs 500
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Callable
from typing import TypeVar

from polyfolio.content.document import Document, parse_document
from polyfolio.translate.checks import check_translation
from polyfolio.translate.pseudo import pseudolocalize
from polyfolio.translate.segments import SegmentedDocument, segment_document
from polyfolio.translate.target import build_target

WORDS = (
    "botulinum toxin relaxes muscles that cause lines around the eyes forehead and mouth "
    "results appear within days and last several months treatment takes minutes with fine "
    "needles our doctors assess each face before a session and plan the dose carefully"
).split()

T = TypeVar("T")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def document(index: int) -> Document:
    rng = random.Random(index)
    front = (
        "---\n\ncaption: #grid\n"
        f"  title: Treatment {index}\n  subtitle: \n  thumbnail: assets/img/t{index}.webp\n  \n"
        f"#detail\ntitle: {_sentence(rng, 5)}\nsubtitle: \nimage: assets/img/t{index}.webp\n"
        f"alt: {_sentence(rng, 6)}\nlang: en\npage_id: treatment-{index}\n---\n"
    )
    lines = [f"### {_sentence(rng, 6)}"]
    lines += [f"- {_sentence(rng, 5)}" for _ in range(5)]
    lines.append("")
    lines.append(
        f"{_sentence(rng, 18)} It uses **{rng.choice(WORDS)}** and [a guide](/guide/{index}) "
        f"with `dose-{index}` in {index % 12 + 1} steps.  "
    )
    lines.append("")
    for _ in range(3):
        lines.append(f"- {_sentence(rng, 4)}:")
        lines.append(f"  -\t{_sentence(rng, 30)}  ")
        lines.append("")
    lines.append(f"| Area | Units |\n|---|---|\n| {_sentence(rng, 2)} | {index % 40} |")
    lines.append("")
    lines.append(f"{_sentence(rng, 25)}\n{_sentence(rng, 12)} *{_sentence(rng, 3)}*")
    lines.append("")
    lines.append(f"#### {_sentence(rng, 3)}")
    for _ in range(4):
        lines.append("")
        lines.append(f"{_sentence(rng, 16)} {_sentence(rng, 10)}\n{_sentence(rng, 14)}")
    lines.append("")
    lines.append(f"> {_sentence(rng, 12)} [{rng.choice(WORDS)}](https://example.com/{index})")
    return parse_document(f"t{index}.md", (front + "\n".join(lines)).encode())


def _timed(function: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=4000)
    args = parser.parse_args()
    documents = [document(index) for index in range(args.docs)]
    body_kib = sum(len(d.body.encode()) for d in documents) / len(documents) / 1024

    segmented: list[SegmentedDocument]
    segmented, segment_seconds = _timed(lambda: [segment_document(d) for d in documents])
    count = sum(len(s.segments) for s in segmented)
    answers, pseudo_seconds = _timed(
        lambda: [{g.key: pseudolocalize(g.text) for g in s.segments} for s in segmented]
    )

    def check_all() -> int:
        return sum(
            len(check_translation(g, answer[g.key]))
            for s, answer in zip(segmented, answers, strict=True)
            for g in s.segments
        )

    problems, check_seconds = _timed(check_all)
    assert problems == 0
    _, build_seconds = _timed(
        lambda: [
            build_target(s, answer, lang="gr", source_hash="0" * 32)
            for s, answer in zip(segmented, answers, strict=True)
        ]
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = segment_seconds + pseudo_seconds + check_seconds + build_seconds
    print(
        f"{args.docs} documents, body {body_kib:.2f} KiB each, {count} segments "
        f"({count / args.docs:.1f} per document), peak RSS {peak:.0f} MiB"
    )
    print(f"{'phase':<10}{'seconds':>10}{'docs/s':>10}{'segments/s':>13}")
    for name, seconds in (
        ("segment", segment_seconds),
        ("pseudo", pseudo_seconds),
        ("check", check_seconds),
        ("build", build_seconds),
        ("total", total),
    ):
        print(f"{name:<10}{seconds:>10.2f}{args.docs / seconds:>10.0f}{count / seconds:>13.0f}")


if __name__ == "__main__":
    main()
