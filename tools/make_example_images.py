"""Draw the example clinic's portfolio images (abstract, soft, clinical) with Pillow.

Run from the repository root: ``python tools/make_example_images.py``.  Each treatment gets a
1200x900 WebP: a two-colour diagonal gradient, a few large blurred circles, and one simple
motif that hints at the treatment.  The drawing is seeded, so a rerun gives the same pictures;
the images are committed, so the site needs no build step of its own.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 900
QUALITY = 80
OUT = Path(__file__).resolve().parents[1] / "polyfolio" / "examples" / "clinic" / "assets" / "img"

RGB = tuple[int, int, int]
Motif = Callable[[Image.Image, RGB, random.Random], None]


@dataclass(frozen=True, slots=True)
class Palette:
    light: RGB
    deep: RGB
    accent: RGB


def gradient(palette: Palette) -> Image.Image:
    """A diagonal blend between the palette's light and deep colours."""
    down = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90)
    across = across.transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize((WIDTH, HEIGHT))
    mask = Image.blend(down, across, 0.5)
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), palette.deep),
        Image.new("RGB", (WIDTH, HEIGHT), palette.light),
        mask,
    )


def soft_circles(image: Image.Image, palette: Palette, rng: random.Random) -> None:
    """Large, heavily blurred discs of the accent colour and white, for depth."""
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for index in range(5):
        radius = rng.randint(160, 360)
        x, y = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
        colour = (255, 255, 255) if index % 2 else palette.accent
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 70))
    blurred = layer.filter(ImageFilter.GaussianBlur(60))
    image.paste(blurred, (0, 0), blurred)


def overlay(
    image: Image.Image, draw_on: Callable[[ImageDraw.ImageDraw], None], blur: float
) -> None:
    """Draw on a transparent layer at twice the size, then shrink it for smooth edges."""
    layer = Image.new("RGBA", (WIDTH * 2, HEIGHT * 2), (0, 0, 0, 0))
    draw_on(ImageDraw.Draw(layer))
    layer = layer.resize(image.size, Image.Resampling.LANCZOS)
    if blur:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    image.paste(layer, (0, 0), layer)


def droplet(image: Image.Image, colour: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        cx, cy, r = 1200, 1010, 190
        for ring in range(3, 0, -1):
            grow = ring * 120
            d.ellipse(
                (cx - r - grow, cy - r - grow, cx + r + grow, cy + r + grow),
                outline=(255, 255, 255, 60 + 25 * (3 - ring)),
                width=6,
            )
        d.polygon(
            [(cx, cy - 2.3 * r), (cx - r * 0.93, cy - 0.36 * r), (cx + r * 0.93, cy - 0.36 * r)],
            fill=(255, 255, 255, 215),
        )
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 215))
        d.ellipse((cx - 110, cy - 40, cx - 60, cy + 60), fill=(*colour, 120))

    overlay(image, draw, 0.6)


def smoothing_waves(image: Image.Image, colour: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        for row in range(7):
            y0 = 560 + row * 120
            amplitude = 70 * (1 - row / 7)
            points = [
                (x, y0 + amplitude * math.sin(x / 95 + row) * (1 - x / 2600))
                for x in range(0, WIDTH * 2 + 20, 20)
            ]
            d.line(points, fill=(255, 255, 255, 200 - row * 12), width=14, joint="curve")

    overlay(image, draw, 0.8)


def pearl(image: Image.Image, colour: RGB, rng: random.Random) -> None:
    size = 520
    shade = Image.radial_gradient("L").resize((size, size))
    sphere = Image.composite(
        Image.new("RGB", (size, size), colour),
        Image.new("RGB", (size, size), (255, 250, 248)),
        shade,
    )
    mask = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 2 - 1, size * 2 - 1), fill=235)
    mask = mask.resize((size, size), Image.Resampling.LANCZOS)
    shifted = Image.new("RGB", (size, size))
    shifted.paste(sphere.resize((size * 3 // 2, size * 3 // 2)), (-size // 6, -size // 6))
    halo = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(halo).ellipse((310, 170, 890, 750), fill=(255, 255, 255, 90))
    halo = halo.filter(ImageFilter.GaussianBlur(40))
    image.paste(halo, (0, 0), halo)
    image.paste(shifted, ((WIDTH - size) // 2, (HEIGHT - size) // 2), mask)


def layers(image: Image.Image, colour: RGB, rng: random.Random) -> None:
    for index in range(4):
        sheet = Image.new("RGBA", (1300, 760), (0, 0, 0, 0))
        ImageDraw.Draw(sheet).rounded_rectangle(
            (0, 0, 1299, 759), radius=120, fill=(255, 255, 255, 70 + index * 22)
        )
        sheet = sheet.rotate(-14 + index * 5, resample=Image.Resampling.BICUBIC, expand=True)
        sheet = sheet.resize((sheet.width // 2, sheet.height // 2), Image.Resampling.LANCZOS)
        image.paste(sheet, (250 + index * 60, 120 + index * 55), sheet)


def platelets(image: Image.Image, colour: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        for _ in range(150):
            x = rng.gauss(1300, 330)
            y = rng.gauss(900, 260)
            r = rng.uniform(10, 34)
            alpha = rng.randint(120, 230)
            fill = (255, 255, 255, alpha) if rng.random() < 0.55 else (*colour, alpha)
            d.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    overlay(image, draw, 0.7)


def beams(image: Image.Image, colour: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw) -> None:
        for index in range(6):
            offset = index * 150
            d.line((300 + offset, 1900, 1500 + offset, -100), fill=(255, 255, 255, 80), width=60)
            d.line((300 + offset, 1900, 1500 + offset, -100), fill=(255, 255, 255, 200), width=10)

    overlay(image, draw, 1.5)


TREATMENTS: dict[str, tuple[Palette, Motif]] = {
    "botulinum-treatment": (Palette((238, 234, 247), (176, 160, 214), (210, 196, 238)), droplet),
    "anti-wrinkle-treatment": (
        Palette((232, 244, 242), (128, 182, 178), (190, 222, 214)),
        smoothing_waves,
    ),
    "dermal-fillers": (Palette((250, 236, 236), (214, 150, 160), (240, 200, 204)), pearl),
    "chemical-peel": (Palette((253, 240, 228), (232, 166, 128), (246, 206, 178)), layers),
    "prp-skin-rejuvenation": (Palette((252, 244, 226), (214, 164, 84), (236, 204, 140)), platelets),
    "laser-hair-removal": (Palette((234, 243, 252), (126, 168, 214), (186, 212, 240)), beams),
}


def make(page_id: str, seed: int) -> Image.Image:
    palette, motif = TREATMENTS[page_id]
    rng = random.Random(seed)
    image = gradient(palette)
    soft_circles(image, palette, rng)
    motif(image, palette.deep, rng)
    return image


def main() -> None:
    folder = OUT / "portfolio"
    folder.mkdir(parents=True, exist_ok=True)
    for seed, page_id in enumerate(TREATMENTS):
        path = folder / f"{page_id}.webp"
        make(page_id, seed).save(path, "WEBP", quality=QUALITY, method=6)
        print(f"{path.relative_to(OUT.parents[4])}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
