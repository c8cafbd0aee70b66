"""Responsive WebP variants of the site's images, named by content and cached across builds.

A variant's name is ``<stem>-<hash12>-<width>.webp`` where the hash covers the source bytes and
the operation (format, quality, width), as Hugo names its resized images: the same input always
gives the same file, so a variant made once is reused by every later build from
``<site>/.polyfolio/cache/images/``.  Images are never upscaled.  SVG and GIF files, animated
WebP files (and any other kind) are used as they are.  A WebP source is its own full-width
variant: encoding it again would only lose quality.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import warnings
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from polyfolio.atomicfile import write_bytes_atomic
from polyfolio.content.stamps import now_ns, settled, stamp_of
from polyfolio.site.output import write_derived

if TYPE_CHECKING:
    from PIL.Image import Exif
    from PIL.Image import Image as PILImage

    from polyfolio.processes import Forked

_Job = tuple[str, str, str, tuple[int, ...]]  # source path, its digest, cache folder, widths
_Made = dict[str, Any] | str  # the variants made (as the index keeps them), or a problem

WIDTHS = (400, 800, 1200)
QUALITY = 80
# Part of every variant's name: change it whenever the bytes made for the same source change.
OPERATION = f"webp-q{QUALITY}-v4"
_EXIF_ORIENTATION = 0x0112
_TURNED = frozenset({5, 6, 7, 8})  # orientations shown with width and height swapped
# Formats whose header tells the size and orientation as the pixels will show (not TIFF: its
# reader turns the size on opening, yet still reports the orientation).
_PROMISING_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
INDEX_FILE = "index.json"
_INDEX_VERSION = 1
# GIFs stay as they are: a WebP variant would lose their animation.
_RASTER_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"})


class Variant(Struct, frozen=True):
    name: str
    width: int
    height: int


class ImageInfo(Struct, frozen=True):
    """An image's own size and its variants, smallest first (none: use the original)."""

    width: int
    height: int
    variants: tuple[Variant, ...]


class ImageCounts(Struct):
    made: int = 0
    reused: int = 0


class ImageStore:
    """Variants for site images; ``prepare`` makes the missing ones, ``info`` answers after."""

    def __init__(self, root: Path, cache_dir: Path, widths: tuple[int, ...] = WIDTHS) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self.widths = widths
        self.counts = ImageCounts()
        self._index = _read_index(cache_dir / INDEX_FILE)
        self._infos: dict[str, ImageInfo | None] = {}
        self._pending: list[Forked[list[_Job], list[tuple[str, _Made]]]] = []
        self._promised: dict[str, _Made] = {}
        self._made: set[str] = set()  # digests made by this store (not reused on a retry)

    def prepare(
        self, rels: Iterable[str], workers: int = 1, background: bool = False
    ) -> dict[str, str]:
        """Make sure every image has its variants; returns rel → problem for unreadable ones.
        Images prepared before by this store are not looked at (nor counted) again.

        ``background``: the variants are made in ``workers`` forked children while the build
        goes on, and :meth:`info` answers from each image's header meanwhile; :meth:`settle`
        waits for them and says whether every image came out as its header promised.  Only for
        a caller that can throw away what it made from those answers (see
        :mod:`polyfolio.site.build`)."""
        wanted = set(rels).difference(self._infos)
        problems: dict[str, str] = {}
        to_make: dict[str, str] = {}  # rel → digest
        for rel in sorted(wanted):
            try:
                digest = self._digest(rel)
            except OSError as exc:
                problems[rel] = f"cannot read image: {exc.strerror or exc}"
                continue
            cached = self._index["images"].get(digest)
            if cached is not None and self._variants_exist(cached):
                self._infos[rel] = _info_from_json(cached)
                self.counts.reused += digest not in self._made
            elif PurePosixPath(rel).suffix.lower() not in _RASTER_SUFFIXES:
                self._infos[rel] = None
            else:
                to_make[rel] = digest
        jobs: dict[str, str] = {}  # digest → the first file with those bytes
        for rel, digest in to_make.items():
            jobs.setdefault(digest, str(self.root / rel))
        started = background and not self._pending and self._start(jobs, workers)
        results = self._promised if started else self._run(jobs, workers)
        for rel, digest in to_make.items():
            result = results[digest]
            if isinstance(result, str):
                problems[rel] = result
            else:
                self._infos[rel] = _info_from_json(result)
        return problems

    def settle(self) -> bool:
        """Wait for the variants being made in the background (if any); whether each image
        came out exactly as its header promised (False: one turned out unreadable, or of
        another size, and what was made from the promise is wrong)."""
        if not self._pending:
            return True
        made = [pair for forked in self._pending for pair in forked.result()]
        self._pending = []
        kept = self._keep(made)
        self._save_index()
        return kept == self._promised

    def restart(self) -> None:
        """Forget every answer given (promises included), for a build made again; what was
        made stays counted as made, and what was reused is counted again."""
        self.close()
        self._infos.clear()
        self._promised = {}
        self.counts.reused = 0

    def close(self) -> None:
        """Stop making variants in the background (the build gave up); the source hashes
        found so far are kept for the next build."""
        if self._pending:
            for forked in self._pending:
                forked.stop()
            self._pending = []
            self._save_index()

    def __enter__(self) -> ImageStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def info(self, rel: str) -> ImageInfo | None:
        return self._infos.get(rel)

    def variants(self) -> list[Variant]:
        """Every variant of the images prepared in this build."""
        return [v for info in self._infos.values() if info is not None for v in info.variants]

    def variant_path(self, variant: Variant) -> Path:
        return self.cache_dir / variant.name

    def _digest(self, rel: str) -> str:
        """Content hash of a source image, remembered by its stamp to skip re-reading (size and
        mtime alone miss an image rewritten with both kept); only a settled stamp is
        remembered (see :mod:`polyfolio.content.stamps`)."""
        path = self.root / rel
        taken = now_ns()
        stamp = stamp_of(path.stat())
        known = self._index["files"].get(rel)
        if known is not None and known[:4] == list(stamp):  # (JSON keeps a list)
            return str(known[4])
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if settled(stamp, taken):
            self._index["files"][rel] = [*stamp, digest]
        else:
            self._index["files"].pop(rel, None)
        return digest

    def _variants_exist(self, cached: Mapping[str, Any]) -> bool:
        return all((self.cache_dir / name).is_file() for name, _, _ in cached["variants"])

    def _run(self, jobs: Mapping[str, str], workers: int) -> dict[str, _Made]:
        args = self._args(jobs)
        if workers > 1 and len(args) > 1:
            # This process makes one share and forked ones the others (a worker that dies has
            # its share made here); imported here: a rebuild finds its variants cached.
            from polyfolio.processes import run_forked

            made = [
                pair for share in run_forked(_make_share, _shares(args, workers)) for pair in share
            ]
        else:
            made = _make_share(args)
        kept = self._keep(made)
        self._save_index()
        return kept

    def _start(self, jobs: Mapping[str, str], workers: int) -> bool:
        """Start making ``jobs`` in forked children, with what each image's header promises
        kept as the answer meanwhile.  False (nothing started) when a header does not tell or
        a child cannot be forked: the caller makes them before going on."""
        from polyfolio.processes import Forked

        promised = {digest: _promise(path, digest, self.widths) for digest, path in jobs.items()}
        if not jobs or any(promise is None for promise in promised.values()):
            return False
        try:
            for share in _shares(self._args(jobs), workers):
                self._pending.append(Forked(_make_share, share))
        except OSError:  # no process to spare (EAGAIN, ENOMEM)
            self.close()
            return False
        self._promised = {digest: promise for digest, promise in promised.items() if promise}
        return True

    def _args(self, jobs: Mapping[str, str]) -> list[_Job]:
        return [(path, digest, str(self.cache_dir), self.widths) for digest, path in jobs.items()]

    def _keep(self, made: list[tuple[str, _Made]]) -> dict[str, _Made]:
        """Record what was made in the index (problems are not kept: tried again next build)."""
        for digest, result in made:
            if not isinstance(result, str):
                self._index["images"][digest] = result
                self._made.add(digest)
                self.counts.made += 1
        return dict(made)

    def _save_index(self) -> None:
        """Best effort: without the index the next build re-hashes (and finds) the variants."""
        with contextlib.suppress(OSError):
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            index = json.dumps(self._index, sort_keys=True).encode()
            write_derived(self.cache_dir / INDEX_FILE, index)


def variant_name(stem: str, digest: str, width: int) -> str:
    operation = hashlib.sha256(f"{digest}:{OPERATION}:w{width}".encode()).hexdigest()[:12]
    return f"{stem}-{operation}-{width}.webp"


def _shares(args: list[_Job], workers: int) -> list[list[_Job]]:
    count = max(1, min(workers, len(args)))
    return [args[index::count] for index in range(count)]


def _make_share(args: list[_Job]) -> list[tuple[str, _Made]]:
    return [
        (digest, _make_variants(path, digest, cache, widths))
        for path, digest, cache, widths in args
    ]


def _make_variants(path: str, digest: str, cache_dir: str, widths: tuple[int, ...]) -> _Made:
    """Encode the variants of one image (runs in a worker process); a message when unreadable."""
    from PIL import Image, UnidentifiedImageError  # only when an image is made

    try:
        source = _open_source(path, max(widths))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        return f"cannot read image: {exc}"
    width, height = source.size
    layout = _layout(path, digest, width, height, source.animated, widths)
    sizes = _Sizes(source, [target for _, target, _ in layout["variants"]])
    for name, target, _ in layout["variants"]:
        destination = Path(cache_dir, name)
        if not destination.is_file():
            try:
                write_bytes_atomic(destination, sizes.variant_bytes(target), durable=False)
            except OSError as exc:
                return f"cannot write image variant {destination}: {exc.strerror or exc}"
    return layout


def _promise(path: str, digest: str, widths: tuple[int, ...]) -> dict[str, Any] | None:
    """What :func:`_make_variants` will give for a readable image, from its header alone (no
    pixels decoded: ~1 ms where making the variants takes ~60); None when reading the header
    fails or its format's header is not trusted (the images are then made before going on,
    and a problem reported as usual)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the child warns
            with Image.open(path) as opened:
                if opened.format not in _PROMISING_FORMATS:
                    return None
                animated = bool(getattr(opened, "is_animated", False))
                width, height = opened.size
                if _header_exif(opened).get(_EXIF_ORIENTATION, 1) in _TURNED:
                    width, height = height, width
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return _layout(path, digest, width, height, animated, widths)


def _header_exif(opened: PILImage) -> Exif:
    """The EXIF data before an image's pixels.  A PNG may keep more after them, and its own
    ``getexif`` decodes every pixel to look there; a promise that misses it is caught when the
    variants are made."""
    from PIL import Image, PngImagePlugin

    if isinstance(opened, PngImagePlugin.PngImageFile):
        return Image.Image.getexif(opened)
    return opened.getexif()


def _layout(
    path: str, digest: str, width: int, height: int, animated: bool, widths: tuple[int, ...]
) -> dict[str, Any]:
    """An image's size and its variants' names and sizes (none for an animated image: they
    would keep only the first frame), as the index keeps them."""
    if animated:
        return {"width": width, "height": height, "variants": []}
    stem = _safe_stem(Path(path).stem)
    targets = sorted({w for w in widths if w < width} | {min(width, max(widths))})
    variants = [
        [variant_name(stem, digest, target), target, _scaled_height(width, height, target)]
        for target in targets
    ]
    return {"width": width, "height": height, "variants": variants}


def _scaled_height(width: int, height: int, target: int) -> int:
    return max(1, round(height * target / width))


class _Source(Struct, frozen=True):
    path: str
    image: PILImage  # upright (EXIF orientation applied), RGB or RGBA; maybe decoded smaller
    size: tuple[int, int]  # the upright image's full size, which the variants are sized from
    as_is_webp: bool  # the file itself is a WebP showing exactly ``image``
    animated: bool


def _open_source(path: str, widest: int) -> _Source:
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        animated = bool(getattr(opened, "is_animated", False))
        orientation = opened.getexif().get(_EXIF_ORIENTATION, 1)
        as_is_webp = opened.format == "WEBP" and orientation in (None, 1)
        full = _decode_reduced(opened, orientation in _TURNED, widest)
        image = ImageOps.exif_transpose(opened)
        image.load()
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        )
    return _Source(path, image, full or image.size, as_is_webp, animated)


def _decode_reduced(opened: PILImage, turned: bool, widest: int) -> tuple[int, int] | None:
    """A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the cost (libjpeg scales in
    its DCT).  When the photo is at least twice as wide as the widest variant, ask for the
    smallest scale still twice that wide, as Pillow's ``thumbnail`` does with its default
    reducing gap: the Lanczos resample that follows hides the difference.  Returns the upright
    full size (the variants are sized from it), None when the image is decoded whole."""
    if opened.format not in ("JPEG", "MPO"):
        return None
    stored_width, stored_height = opened.size
    width, height = (stored_height, stored_width) if turned else (stored_width, stored_height)
    factor = 2 * widest / width
    if factor >= 1:
        return None
    opened.draft(None, (math.ceil(stored_width * factor), math.ceil(stored_height * factor)))
    return width, height


class _Sizes:
    """One image at each target width.  A width is resampled from the narrowest other target at
    least twice as wide, else from the source: a Lanczos halving of a Lanczos result looks the
    same and costs a fraction.  Which image a width comes from depends only on the widths, so a
    variant's bytes do not depend on which others were already cached."""

    def __init__(self, source: _Source, targets: list[int]) -> None:
        self.source = source
        self.targets = targets
        self._made: dict[int, PILImage] = {}

    def height(self, width: int) -> int:
        return _scaled_height(*self.source.size, width)

    def variant_bytes(self, width: int) -> bytes:
        source = self.source
        if width == source.size[0]:  # (never when decoded smaller: twice the widest, then)
            return Path(source.path).read_bytes() if source.as_is_webp else _encode(source.image)
        return _encode(self._image(width))

    def _image(self, width: int) -> PILImage:
        from PIL import Image

        if width not in self._made:
            wider = [t for t in self.targets if 2 * width <= t < self.source.size[0]]
            base = self._image(min(wider)) if wider else self.source.image
            size = (width, self.height(width))
            self._made[width] = base.resize(size, Image.Resampling.LANCZOS)
        return self._made[width]


def _encode(image: PILImage) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "WEBP", quality=QUALITY, method=4)
    return buffer.getvalue()


def _safe_stem(stem: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return cleaned[:60] or "image"


def _info_from_json(data: Mapping[str, Any]) -> ImageInfo:
    return ImageInfo(
        width=int(data["width"]),
        height=int(data["height"]),
        variants=tuple(Variant(str(n), int(w), int(h)) for n, w, h in data["variants"]),
    )


def _read_index(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("version") != _INDEX_VERSION:
        return {"version": _INDEX_VERSION, "files": {}, "images": {}}
    return data
