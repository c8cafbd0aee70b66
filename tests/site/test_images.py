"""Image variants: sizes, no upscaling, WebP sources reused as they are, orientation, animation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from polyfolio.site.images import ImageInfo, ImageStore

ORIENTATION = 0x0112


def _prepare(root: Path, rel: str) -> tuple[ImageStore, ImageInfo]:
    store = ImageStore(root, root / "cache")
    assert store.prepare([rel]) == {}
    info = store.info(rel)
    assert info is not None
    return store, info


def _save(root: Path, rel: str, image: Image.Image, **params: object) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **params)
    return path


def _sizes(store: ImageStore, info: ImageInfo) -> list[tuple[int, int]]:
    sizes = []
    for variant in info.variants:
        with Image.open(store.variant_path(variant)) as made:
            assert made.format == "WEBP"
            sizes.append(made.size)
    return sizes


def test_png_gets_encoded_webp_variants_never_upscaled(tmp_path: Path) -> None:
    _save(tmp_path, "img/a.png", Image.new("RGB", (1000, 750), (10, 120, 130)))
    store, info = _prepare(tmp_path, "img/a.png")
    assert (info.width, info.height) == (1000, 750)
    assert _sizes(store, info) == [(400, 300), (800, 600), (1000, 750)]


def test_webp_source_is_its_own_full_width_variant(tmp_path: Path) -> None:
    source = _save(tmp_path, "img/b.webp", Image.new("RGB", (1200, 900), (200, 40, 40)), quality=95)
    store, info = _prepare(tmp_path, "img/b.webp")
    assert [v.width for v in info.variants] == [400, 800, 1200]
    full = store.variant_path(info.variants[-1]).read_bytes()
    assert full == source.read_bytes()
    assert _sizes(store, info)[:2] == [(400, 300), (800, 600)]


def test_wider_webp_is_resized_not_copied(tmp_path: Path) -> None:
    source = _save(tmp_path, "img/w.webp", Image.new("RGB", (1600, 1200), (0, 0, 0)))
    store, info = _prepare(tmp_path, "img/w.webp")
    assert _sizes(store, info) == [(400, 300), (800, 600), (1200, 900)]
    assert store.variant_path(info.variants[-1]).read_bytes() != source.read_bytes()


def test_rotated_webp_is_turned_upright_not_copied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored landscape, shown portrait
    source = _save(tmp_path, "img/r.webp", Image.new("RGB", (800, 600)), exif=exif.tobytes())
    store, info = _prepare(tmp_path, "img/r.webp")
    assert (info.width, info.height) == (600, 800)
    assert _sizes(store, info) == [(400, 533), (600, 800)]
    assert store.variant_path(info.variants[-1]).read_bytes() != source.read_bytes()


@pytest.mark.parametrize("suffix", [".webp", ".png"])
def test_animated_image_is_used_as_it_is(tmp_path: Path, suffix: str) -> None:
    frames = [Image.new("RGB", (500, 400), color) for color in ((255, 0, 0), (0, 0, 255))]
    rel = f"img/anim{suffix}"
    _save(tmp_path, rel, frames[0], save_all=True, append_images=frames[1:], duration=100)
    _, info = _prepare(tmp_path, rel)
    assert info.variants == ()
    assert not list((tmp_path / "cache").glob("*.webp"))


def test_unreadable_image_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "bad.webp").write_bytes(b"RIFF not really")
    store = ImageStore(tmp_path, tmp_path / "cache")
    problems = store.prepare(["img/bad.webp"])
    assert problems["img/bad.webp"].startswith("cannot read image:")


def _photo_like(size: tuple[int, int]) -> Image.Image:
    """Fine detail and sharp edges: where resampling twice would show, if anywhere."""
    fractal = Image.effect_mandelbrot(size, (-2, -1.2, 1, 1.2), 200).convert("RGB")
    return Image.blend(fractal, Image.effect_noise(size, 60).convert("RGB"), 0.3)


def test_a_variant_has_the_same_bytes_whichever_others_were_cached(tmp_path: Path) -> None:
    """Narrow variants are resampled from wider ones: a variant made again alone (the others
    still cached) must come out byte for byte as when all were made together."""
    _save(tmp_path, "img/p.png", _photo_like((1600, 1200)))
    store, info = _prepare(tmp_path, "img/p.png")
    made = {v.width: store.variant_path(v).read_bytes() for v in info.variants}
    for variant in info.variants:
        store.variant_path(variant).unlink()
        _, again = _prepare(tmp_path, "img/p.png")
        assert store.variant_path(variant).read_bytes() == made[variant.width]
        assert again == info


def test_a_narrow_variant_looks_as_if_resampled_from_the_source(tmp_path: Path) -> None:
    """Resampling 1200 → 800 → 400 instead of 1200 → 400: far below what the eye or WebP's
    own loss (~35-40 dB at quality 80) could show."""
    import math

    from PIL import ImageChops, ImageStat

    photo = _photo_like((1200, 900))
    _save(tmp_path, "img/q.png", photo)
    store, info = _prepare(tmp_path, "img/q.png")
    with Image.open(store.variant_path(info.variants[0])) as made:
        narrow = made.convert("RGB")
    direct = photo.resize(narrow.size, Image.Resampling.LANCZOS)
    mse = sum(v**2 for v in ImageStat.Stat(ImageChops.difference(narrow, direct)).rms) / 3
    assert 20 * math.log10(255 / math.sqrt(mse)) > 30  # dB, WebP loss included


def _rotated() -> dict[str, object]:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    return {"exif": exif.tobytes()}


BESIDE_CASES = {
    "png": ("img/a.png", (1000, 750), {}),
    "webp-as-is": ("img/b.webp", (1200, 900), {}),
    "rotated-webp": ("img/r.webp", (800, 600), _rotated()),
    "rotated-jpeg": ("img/r.jpg", (1300, 700), _rotated()),
    "rotated-png": ("img/r.png", (900, 500), _rotated()),
    # Pillow's TIFF reader turns the size on opening: no promise, made first.
    "rotated-tiff": ("img/r.tif", (900, 500), _rotated()),
}


@pytest.mark.parametrize("case", BESIDE_CASES, ids=list(BESIDE_CASES))
def test_variants_made_in_the_background_are_what_the_header_promised(
    tmp_path: Path, case: str
) -> None:
    rel, size, params = BESIDE_CASES[case]
    _save(tmp_path, rel, _photo_like(size), **params)
    store = ImageStore(tmp_path, tmp_path / "beside")
    assert store.prepare([rel], background=True) == {}
    promised = store.info(rel)
    assert store.settle()
    _, made_first = _prepare(tmp_path, rel)  # made before answering, in another cache
    assert promised == made_first
    assert _sizes(store, promised) == [(v.width, v.height) for v in promised.variants]
    assert store.counts.made == 1


def test_an_unreadable_header_is_a_problem_at_once_not_a_promise(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "bad.webp").write_bytes(b"RIFF not really")
    store = ImageStore(tmp_path, tmp_path / "cache")
    problems = store.prepare(["img/bad.webp"], background=True)
    assert problems["img/bad.webp"].startswith("cannot read image:")
    assert store.settle()


def test_pixels_that_break_the_header_s_promise_are_found_when_settled(tmp_path: Path) -> None:
    from io import BytesIO

    buffer = BytesIO()
    _photo_like((600, 400)).save(buffer, "PNG")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "cut.png").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    store = ImageStore(tmp_path, tmp_path / "cache")
    assert store.prepare(["img/cut.png"], background=True) == {}
    assert store.info("img/cut.png") is not None
    assert not store.settle()
    assert store.counts.made == 0


SMALL_WIDTHS = (100, 200, 300)  # so a 2,400 px photo is eight times the widest variant


def test_a_large_jpeg_is_decoded_smaller_yet_looks_resampled_from_full_size(
    tmp_path: Path,
) -> None:
    """libjpeg decodes at 1/4 scale, still twice the widest variant: the variants are sized
    from the full image and look like a Lanczos resample of it, far within WebP's own loss."""
    import math

    from PIL import ImageChops, ImageStat

    from polyfolio.site.images import _open_source

    photo = _photo_like((2400, 1600))
    path = _save(tmp_path, "img/big.jpg", photo, quality=95)
    source = _open_source(str(path), max(SMALL_WIDTHS))
    assert (source.size, source.image.size) == ((2400, 1600), (600, 400))

    store = ImageStore(tmp_path, tmp_path / "cache", SMALL_WIDTHS)
    assert store.prepare(["img/big.jpg"]) == {}
    info = store.info("img/big.jpg")
    assert info is not None and (info.width, info.height) == (2400, 1600)
    assert _sizes(store, info) == [(100, 67), (200, 133), (300, 200)]
    with Image.open(path) as whole:
        full = whole.convert("RGB")
    for variant in info.variants:
        with Image.open(store.variant_path(variant)) as made:
            direct = full.resize(made.size, Image.Resampling.LANCZOS)
            diff = ImageStat.Stat(ImageChops.difference(made.convert("RGB"), direct)).rms
        mse = sum(v**2 for v in diff) / 3
        assert 20 * math.log10(255 / math.sqrt(mse)) > 35  # dB


def test_a_turned_large_jpeg_is_decoded_smaller_the_right_way_up(tmp_path: Path) -> None:
    from polyfolio.site.images import _open_source

    path = _save(tmp_path, "img/turned.jpg", _photo_like((2400, 1600)), **_rotated())
    source = _open_source(str(path), max(SMALL_WIDTHS))
    assert (source.size, source.image.size) == ((1600, 2400), (800, 1200))
    store = ImageStore(tmp_path, tmp_path / "beside", SMALL_WIDTHS)
    assert store.prepare(["img/turned.jpg"], background=True) == {}
    promised = store.info("img/turned.jpg")
    assert store.settle()
    assert promised is not None and (promised.width, promised.height) == (1600, 2400)
    assert _sizes(store, promised) == [(100, 150), (200, 300), (300, 450)]


def test_a_jpeg_under_twice_the_widest_variant_is_decoded_whole(tmp_path: Path) -> None:
    from polyfolio.site.images import _open_source

    path = _save(tmp_path, "img/mid.jpg", _photo_like((590, 400)))
    source = _open_source(str(path), max(SMALL_WIDTHS))
    assert source.size == source.image.size == (590, 400)
