"""Discovery: which files are items, what each one is (``page_id``) and in which language.

One function, :func:`identify`, decides an item's identity and language; everyone else asks the
:class:`Site`.  Identity is ``page_id`` (else the file name without a language suffix); the
language is ``lang`` (else a language folder or suffix in the path, else the source language).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import msgspec
from msgspec import Struct

from polyfolio.content.cache import CACHE_DIR, FrontMatterCache
from polyfolio.content.config import SiteConfig, load_config
from polyfolio.content.document import Document, md5_hex, parse_document
from polyfolio.content.frontmatter import read_front_matter
from polyfolio.content.languages import COUNTRY_AS_LANGUAGE
from polyfolio.content.listing import Listing, list_collection
from polyfolio.content.readahead import ReadAhead, read_ahead
from polyfolio.content.stamps import Entry as StampEntry
from polyfolio.content.stamps import Stamp, StampStore, stamp_of
from polyfolio.content.yamltree import YamlTree
from polyfolio.diagnostics import ContentError, Diagnostic, Location, error, warning

_LANGUAGE_SHAPE = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z0-9]{2,8})*$")


@dataclass
class Item:
    """One content file of the collection, read-only.

    ``data`` is the front matter as plain values.  The bytes, the split ``document`` and the
    ``tree`` (with every value's position) are made on first use only: ``status`` needs none of
    them, and at thousands of files that work is most of its time.

    Read-only by contract, not ``frozen``: a frozen dataclass sets each field through
    ``object.__setattr__``, which made every build ~6 ms slower at 4,000 items (2.2 µs an item
    against 0.8 µs), and every build makes one for every file.  A dataclass, not a
    :class:`msgspec.Struct` as other records are: ``path`` and ``loaded`` must stay out of its
    equality and repr, and a Struct has no such switch per field.
    """

    rel: str
    page_id: str
    lang: str
    data: Mapping[str, Any]
    md5: str
    id_from: Literal["page_id", "file name"]
    lang_from: Literal["lang", "path", "source language"]
    path: str = field(default="", repr=False, compare=False)
    loaded: bytes | None = field(default=None, repr=False, compare=False)

    @cached_property
    def raw(self) -> bytes:
        """The file's bytes: those read when it was loaded, else read now (an unchanged file
        was not read); a file changed since then is an error, not a mix of two versions."""
        if self.loaded is not None:
            return self.loaded
        with open(self.path, "rb", buffering=0) as handle:
            raw = handle.read()
        if md5_hex(raw) != self.md5:
            raise ContentError(error(Location(self.rel), "changed while being read; run again"))
        return raw

    @cached_property
    def document(self) -> Document:
        return parse_document(self.rel, self.raw)

    @cached_property
    def tree(self) -> YamlTree:
        return read_front_matter(
            self.document.front_matter, self.rel, self.document.front_matter_line
        )

    @property
    def source_hash(self) -> str | None:
        value = self.data.get("source_hash")
        return value if isinstance(value, str) and value else None

    def location(self, *keys: str | int) -> Location:
        return self.tree.location(self.rel, keys)


class Site(Struct, dict=True):
    root: Path
    config: SiteConfig
    items: list[Item] = msgspec.field(default_factory=list)
    problems: list[Diagnostic] = msgspec.field(default_factory=list)
    # rel → (stamp, md5) of every collection file as loaded, and when the stamps were taken
    stamps: dict[str, StampEntry] = msgspec.field(default_factory=dict)
    stamps_taken_ns: int = 0
    outside_links: list[str] = msgspec.field(default_factory=list)  # collection symlinks skipped

    @property
    def source_lang(self) -> str:
        return self.config.source_lang

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The configured languages, else the source language and every language found."""
        if self.config.languages:
            return self.config.languages
        found = sorted({item.lang for item in self.items} - {self.source_lang})
        return (self.source_lang, *found)

    @property
    def target_languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.source_lang)

    @cached_property
    def groups(self) -> dict[str, dict[str, Item]]:
        """page_id → lang → item; of two files with one identity, the first wins."""
        groups: dict[str, dict[str, Item]] = {}
        for item in self.items:
            groups.setdefault(item.page_id, {}).setdefault(item.lang, item)
        return groups

    def item(self, page_id: str, lang: str) -> Item | None:
        return self.groups.get(page_id, {}).get(lang)

    def source_of(self, page_id: str) -> Item | None:
        return self.item(page_id, self.source_lang)


def load_site(
    root: Path, listing: Listing | None = None, meanwhile: Callable[[], object] | None = None
) -> Site:
    """Read ``_config.yml`` and every item; problems are collected, not raised, per file.
    ``listing``: the collection as the caller just listed it (used when it is the configured
    folder).  ``meanwhile``: the caller's own work, done while waiting for a second process
    reading files (when there is one)."""
    root = root.resolve()
    config = load_config(root)
    cache = FrontMatterCache.open(root)
    stamps = StampStore.open(root / CACHE_DIR)
    if listing is None or listing.folder != config.collection_dir:
        # Without stamps to vouch for them, every file is read, and stat-ed then.
        listing = list_collection(str(root), config.collection_dir, stats=bool(stamps.entries))
    taken = listing.taken_ns
    site = Site(root=root, config=config)
    languages = _language_candidates(config)
    files, site.outside_links = listing.files, listing.outside
    site.problems.extend(
        warning(Location(rel), "symlink leads outside the site; skipped")
        for rel in site.outside_links
    )
    vouched = _vouched(files, cache, stamps)
    pending = [rel for rel in files if rel not in vouched]
    ahead = _read_ahead(root, pending, cache, stamps, meanwhile)
    for rel in files:
        try:
            item, has_problems = read_item(
                root, rel, config, languages, cache, stamps, vouched.get(rel), ahead.get(rel)
            )
        except ContentError as exc:
            site.problems.append(exc.diagnostic)
        except OSError as exc:
            site.problems.append(error(Location(rel), f"cannot read: {exc.strerror}"))
        else:
            site.items.append(item)
            if has_problems:
                site.problems.extend(item.tree.problems)
    site.problems.extend(_duplicate_identities(site.items))
    cache.save()
    stamps.save(taken)
    site.stamps = stamps.fresh
    site.stamps_taken_ns = taken
    return site


def read_item(
    root: Path,
    rel: str,
    config: SiteConfig,
    languages: LanguageCandidates,
    cache: FrontMatterCache | None = None,
    stamps: StampStore | None = None,
    vouched: str | None = None,
    ahead: ReadAhead | None = None,
) -> tuple[Item, bool]:
    """Read one item; also say whether its front matter had problems (e.g. duplicate keys).

    ``vouched``: the file's md5 when its stamp vouches for it and its front matter is cached
    (see :func:`_vouched`): it is not read at all, its bytes are read when first asked for.
    ``ahead``: the file as another process just read it."""
    path = f"{root}/{rel}"
    cached = cache.get(vouched) if cache and vouched else None
    raw = None
    if cached is not None and vouched is not None:
        md5 = vouched
    else:
        raw, md5 = (ahead.raw, ahead.md5) if ahead else _read(path, rel, stamps)
        cached = cache.get(md5) if cache else None
        if cached is None:
            cached = _parse_front_matter(rel, raw)
            if cache:
                cache.put(md5, *cached)
    data, has_problems = cached
    return identify(rel, path, raw, data, md5, config, languages), has_problems


def _vouched(
    files: Mapping[str, Stamp | None], cache: FrontMatterCache, stamps: StampStore
) -> dict[str, str]:
    """``rel`` → md5 of each file that need not be read: its stamp vouches for the bytes it was
    read with (see :mod:`polyfolio.content.stamps`) and their front matter is cached."""
    vouched: dict[str, str] = {}
    for rel, stamp in files.items():
        md5 = stamps.md5(rel, stamp) if stamp is not None else None
        if md5 is not None and cache.get(md5) is not None:
            vouched[rel] = md5
    return vouched


def _read_ahead(
    root: Path,
    pending: list[str],
    cache: FrontMatterCache,
    stamps: StampStore,
    meanwhile: Callable[[], object] | None,
) -> dict[str, ReadAhead]:
    """The files that must be read (new or changed), read and parsed in two processes when
    there are many; what they gave goes into the stamps and the front matter cache."""
    ahead = read_ahead(str(root), pending, _parse_front_matter, meanwhile)
    for rel, found in ahead.items():
        stamps.put(rel, found.stamp, found.md5)
        if found.parsed is not None:
            cache.put(found.md5, *found.parsed)
    return ahead


def _read(path: str, rel: str, stamps: StampStore | None) -> tuple[bytes, str]:
    """The file's bytes and md5, stamped with the stat taken before reading them."""
    # Unbuffered: a buffered reader asks whether each file is a terminal (an ioctl).
    with open(path, "rb", buffering=0) as handle:
        stamp = stamp_of(os.fstat(handle.fileno()))
        raw = handle.read()
    md5 = md5_hex(raw)
    if stamps is not None:
        stamps.put(rel, stamp, md5)
    return raw, md5


def _parse_front_matter(rel: str, raw: bytes) -> tuple[dict[str, Any], bool]:
    document = parse_document(rel, raw)
    if not document.has_front_matter:
        raise ContentError(
            warning(Location(rel), "no front matter, so Jekyll treats it as a file, not an item")
        )
    tree = read_front_matter(document.front_matter, rel, document.front_matter_line)
    return tree.data, bool(tree.problems)


def identify(
    rel: str,
    path: str,
    raw: bytes | None,
    data: Mapping[str, Any],
    md5: str,
    config: SiteConfig,
    languages: LanguageCandidates,
) -> Item:
    """Decide an item's ``page_id`` and language from its front matter and path (``raw``: the
    bytes when they were read, else they are read from ``path`` on first use)."""
    parts = rel.split("/")[1:]  # below the collection folder
    stem, suffix_lang = _split_language_suffix(parts[-1], languages)
    folders = parts[:-1]
    folder_lang = next((p for p in reversed(folders) if p in languages), None) if folders else None
    page_id = _given(data.get("page_id"))
    lang = _given(data.get("lang"))
    return Item(
        rel=rel,
        page_id=page_id or stem,
        lang=lang or suffix_lang or folder_lang or config.source_lang,
        data=data,
        md5=md5,
        id_from="page_id" if page_id else "file name",
        lang_from="lang" if lang else "path" if suffix_lang or folder_lang else "source language",
        path=path,
        loaded=raw,
    )


def _given(value: object) -> str | None:
    """The stripped text of a front matter value, or None when it is absent or blank."""
    return value.strip() or None if isinstance(value, str) else None


def _split_language_suffix(name: str, languages: LanguageCandidates) -> tuple[str, str | None]:
    stem = name.rsplit(".", 1)[0]
    base, dot, last = stem.rpartition(".")
    if dot and base and last in languages:
        return base, last
    return stem, None


class LanguageCandidates(Struct, frozen=True):
    """Codes that count as a language when they appear as a path part or file-name suffix:
    the configured ones, the common country-for-language ones and any language-shaped code."""

    configured: frozenset[str]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and (
            code in self.configured
            or code in COUNTRY_AS_LANGUAGE
            or bool(_LANGUAGE_SHAPE.match(code))
        )


def _language_candidates(config: SiteConfig) -> LanguageCandidates:
    return LanguageCandidates(
        frozenset({config.source_lang, *config.languages, *config.codes.overrides})
    )


def _duplicate_identities(items: list[Item]) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], Item] = {}
    for item in items:
        key = (item.page_id, item.lang)
        if key in first:
            yield error(
                item.location("page_id") if item.id_from == "page_id" else Location(item.rel),
                f"page_id '{item.page_id}' in language '{item.lang}' is also {first[key].rel}",
            )
        else:
            first[key] = item
