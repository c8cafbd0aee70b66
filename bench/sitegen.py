"""Generate a bilingual agency-theme site of N items for benchmarks.

Half the files are English sources, half their Greek translations (``lang: gr``, correct
``source_hash``), each body ~2.5 KB with a heading, a nested list and four paragraphs, in the
seeds' layout.  Each item shows one of ten images (``image``, ``caption.thumbnail``), as agency
items do; ``--without-images`` leaves the image fields and files out: the site exactly as issue
#5 describes it.  Deterministic for a given N, so runs are comparable.

    python -m bench.sitegen /tmp/site4000 4000
"""

from __future__ import annotations

import argparse
import hashlib
import random
from pathlib import Path

from PIL import Image

IMAGES = 10
_EN = (
    "treatment skin clinic gentle results natural care session patient doctor face "
    "collagen volume lines calm recovery safe visible weeks months effect muscle expert "
    "consultation plan fresh smooth balance quality tone texture light precise"
).split()
_GR = (
    "θεραπεία δέρμα κλινική ήπια αποτελέσματα φυσική φροντίδα συνεδρία ασθενής γιατρός "
    "πρόσωπο κολλαγόνο όγκος γραμμές ήρεμη αποκατάσταση ασφαλής ορατά εβδομάδες μήνες "
    "δράση μυς ειδικός συμβουλή πλάνο φρέσκια λεία ισορροπία ποιότητα τόνος υφή φως"
).split()


def _sentence(rng: random.Random, words: list[str], length: int) -> str:
    picked = [rng.choice(words) for _ in range(length)]
    return " ".join(picked).capitalize() + "."


def _paragraph(rng: random.Random, words: list[str]) -> str:
    return " ".join(_sentence(rng, words, rng.randint(10, 18)) for _ in range(4))


def _body(seed: int, words: list[str]) -> str:
    rng = random.Random(seed)
    lines = [f"### {_sentence(rng, words, 5)[:-1]}"]
    lines += [f"- {_sentence(rng, words, 4)}" for _ in range(3)]
    lines.append("")
    lines += [_paragraph(rng, words), ""]
    for _ in range(2):
        lines.append(f"- {_sentence(rng, words, 3)[:-1]}:")
        lines.append(f"  -\t{_sentence(rng, words, 14)}  ")
        lines.append("")
    lines += [_paragraph(rng, words), "", _paragraph(rng, words), "", _paragraph(rng, words)]
    return "\n".join(lines)


def _front(title: str, subtitle: str, image: str | None, alt: str, lang: str, page_id: str) -> str:
    return (
        "---\n\n"
        "caption: #what displays in the portfolio grid:\n"
        f"  title: {title}\n"
        f"  subtitle: {subtitle}\n" + (f"  thumbnail: {image}\n" if image else "") + "  \n"
        "#what displays when the item is clicked:\n"
        f"title: {title}\n"
        f"subtitle: {subtitle}\n"
        + (f"image: {image}\nalt: {alt}\n" if image else "")
        + f"lang: {lang}\n"
        f"page_id: {page_id}\n"
        "\n"
    )


def _item(index: int, lang: str, words: list[str], images: bool) -> str:
    rng = random.Random(index * 7919 + (0 if lang == "en" else 1))
    title = _sentence(rng, words, 3)[:-1]
    image = f"assets/img/portfolio/bench-{index % IMAGES}.webp" if images else None
    front = _front(title, "", image, _sentence(rng, words, 4)[:-1], lang, f"item-{index:05d}")
    return front + "---\n" + _body(index * 31 + (0 if lang == "en" else 1), words)


def _write_images(root: Path) -> None:
    folder = root / "assets" / "img" / "portfolio"
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(IMAGES):
        colour = (60 + index * 15, 120 + index * 8, 160 - index * 6)
        Image.new("RGB", (1200, 900), colour).save(folder / f"bench-{index}.webp", quality=70)


def generate_site(root: Path, items: int, *, translated: bool = True, images: bool = True) -> Path:
    """Write a site of ``items`` files (``items // 2`` page_ids in en and gr).

    With ``translated=False`` only the English sources are written, so every Greek
    translation is missing (the translate benchmark's starting point).  With ``images=False``
    no item has an image (nor the site an image file).
    """
    collection = root / "_portfolio"
    collection.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(
        "title: Bench clinic\nurl: https://bench.example\nbaseurl: ''\n"
        "collections:\n  portfolio:\n    output: true\n"
        "polyfolio:\n  source_lang: en\n  languages: [en, gr]\n  bcp47: {gr: el}\n",
        encoding="utf-8",
    )
    if images:
        _write_images(root)
    for index in range(items // 2):
        source = _item(index, "en", _EN, images).encode("utf-8")
        (collection / f"item-{index:05d}.md").write_bytes(source)
        if translated:
            head, sep, body = _item(index, "gr", _GR, images).partition("---\n### ")
            digest = hashlib.md5(source, usedforsecurity=False).hexdigest()
            target = f"{head}source_hash: {digest}\n{sep}{body}"
            (collection / f"item-{index:05d}.gr.md").write_bytes(target.encode("utf-8"))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("items", type=int)
    parser.add_argument("--untranslated", action="store_true")
    parser.add_argument("--without-images", action="store_true")
    args = parser.parse_args()
    generate_site(
        args.root, args.items, translated=not args.untranslated, images=not args.without_images
    )


if __name__ == "__main__":
    main()
