"""Front matter images to views: which file each field means, and its responsive variants.

Each distinct image value is resolved once and each (image, sizes) pair's ``src``/``srcset`` is
built once, however many items and languages share it.  A missing file is an error at the
front matter value's line and column; a remote URL is used as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from polyfolio.content.assets import AssetRef, asset_ref
from polyfolio.content.frontmatter import lookup
from polyfolio.content.site import Item, Site
from polyfolio.diagnostics import Report, error
from polyfolio.processes import can_fork
from polyfolio.site import views
from polyfolio.site.images import ImageStore
from polyfolio.site.pages import STATIC_FOLDER, ItemMedia, RenderContext
from polyfolio.site.plan import SitePlan
from polyfolio.site.views import ImageView

IMAGE_FOLDER = f"{STATIC_FOLDER}/img"
PREFERRED_WIDTH = 800  # the src for browsers that ignore srcset

KeyPath = tuple[str, ...]
IMAGE: KeyPath = ("image",)
THUMBNAIL: KeyPath = ("caption", "thumbnail")


def item_media(
    site: Site,
    plan: SitePlan,
    ctx: RenderContext,
    store: ImageStore,
    report: Report,
    only: Collection[str] | None = None,
    also_images: Iterable[str] = (),
    background: bool = False,
) -> dict[str, ItemMedia]:
    """Image views of every item in use (``only``: of those rels); images made (or found in
    the cache) first, together, with ``also_images`` (shown by items kept as they were, whose
    variants are copied all the same).  ``background``: see :meth:`ImageStore.prepare`."""
    items = {
        page.item.rel: page.item
        for page in plan.all_pages()
        if only is None or page.item.rel in only
    }
    refs = ImageRefs(site.root)
    fields = {rel: refs.fields(item, report) for rel, item in items.items()}
    wanted = {ref for found in fields.values() for ref in found.values() if ref}
    forking = can_fork()
    unreadable = store.prepare(
        wanted.union(also_images), workers=2 if forking else 1, background=background and forking
    )
    sources = ImageSources(ctx, store)
    media: dict[str, ItemMedia] = {}
    for rel, item in items.items():
        found = fields[rel]
        for keys, ref in found.items():
            if ref is not None and ref in unreadable:
                report.add(error(item.location(*keys), unreadable[ref]))
        alt = views.text(item.data, "alt")
        thumbnail = THUMBNAIL if THUMBNAIL in found else IMAGE
        media[rel] = ItemMedia(
            image=sources.view(item, IMAGE, found, alt, views.DETAIL_SIZES),
            thumbnail=sources.view(
                item, thumbnail, found, alt or views.card_title(item), views.THUMBNAIL_SIZES
            ),
            files=tuple(sorted({ref for ref in found.values() if ref})),
        )
    return media


class ImageRefs:
    """Resolves image values of front matter to site files, each distinct value once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._seen: dict[str, tuple[AssetRef, bool]] = {}

    def fields(self, item: Item, report: Report) -> dict[KeyPath, str | None]:
        """Site-relative file of each image field (None: remote); a missing file is an error."""
        found: dict[KeyPath, str | None] = {}
        for keys in (IMAGE, THUMBNAIL):
            value = lookup(item.data, keys)
            if not isinstance(value, str) or not value.strip():
                continue
            ref, exists = self._ref(value)
            if ref.remote:
                found[keys] = None
            elif exists:
                found[keys] = ref.rel
            else:
                report.add(error(item.location(*keys), f"image not found: {value.strip()}"))
        return found

    def _ref(self, value: str) -> tuple[AssetRef, bool]:
        if value not in self._seen:
            ref = asset_ref(value, self.root)
            self._seen[value] = (ref, ref.exists_in(self.root))
        return self._seen[value]


class ImageSources:
    """``src``, ``srcset`` and size of an image at given ``sizes``, computed once each."""

    def __init__(self, ctx: RenderContext, store: ImageStore) -> None:
        self.ctx = ctx
        self.store = store
        self._made: dict[tuple[str, str], ImageView] = {}

    def view(
        self,
        item: Item,
        keys: KeyPath,
        fields: Mapping[KeyPath, str | None],
        alt: str,
        sizes: str,
    ) -> ImageView | None:
        if keys not in fields:
            return None
        rel = fields[keys]
        if rel is None:
            return ImageView(src=str(lookup(item.data, keys)).strip(), alt=alt)
        if (rel, sizes) not in self._made:
            self._made[rel, sizes] = self._sources(rel, sizes)
        template = self._made[rel, sizes]
        return ImageView(template.src, alt, template.width, template.height, template.srcset, sizes)

    def _sources(self, rel: str, sizes: str) -> ImageView:
        url = self.ctx.urls.url
        info = self.store.info(rel)
        if info is None or not info.variants:
            return ImageView(src=url(rel), alt="")
        chosen = max(
            (v for v in info.variants if v.width <= PREFERRED_WIDTH),
            key=lambda v: v.width,
            default=info.variants[0],
        )
        return ImageView(
            src=url(f"{IMAGE_FOLDER}/{chosen.name}"),
            alt="",
            width=chosen.width,
            height=chosen.height,
            srcset=", ".join(
                f"{url(f'{IMAGE_FOLDER}/{v.name}')} {v.width}w" for v in info.variants
            ),
            sizes=sizes,
        )
