"""The no-change rebuild: when nothing a build read has changed since the last build and every
file it wrote is still in place, that build's output stands; its report is repeated without
loading the site.

Why this is safe: after each successful build a record lists everything the build depended on,
stamped *before* the build read it: ``_config.yml``, ``_data/``, ``assets/`` and
``_polyfolio/`` (every file, so an added or removed one counts), every collection file and the
collection's listing, every image file referenced, polyfolio's own code, templates and static
files, the interpreter and the folders its libraries are installed in (installing or upgrading a
library changes its folder), the output folder and the home folder.  A stamp is (size, mtime,
inode, ctime), which an edit always changes unless it falls in the clock tick of the stamp
itself: for such "racy" entries (see :mod:`polyfolio.content.stamps`) the record keeps a hash of
the content and compares that instead.  The record also lists the files the build wrote; the
output folder's manifest must be untouched and each of them still there.  Anything else, or any
doubt (no record, a foreign or corrupt one, an earlier build that failed or was interrupted, an
error in the last build), means a full build, which is itself incremental.

This module is imported by ``polyfolio build`` before the build itself, so it imports little.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat as stat_module
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
from msgspec import Struct, field

import polyfolio
from polyfolio.content.cache import CACHE_DIR, FLAT_MARSHAL
from polyfolio.content.listing import Listing, list_collection
from polyfolio.content.stamps import Stamp, now_ns, settled, stamp_of
from polyfolio.diagnostics import Diagnostic, Level, Location
from polyfolio.site.result import BuildResult
from polyfolio.site.walk import tree

if TYPE_CHECKING:
    from polyfolio.content.site import Site
    from polyfolio.processes import Forked

_FORMAT = f"build-v2-py{sys.version_info.major}.{sys.version_info.minor}"
# What a site's build reads besides its collection (config, data, assets, theme overrides).
SITE_INPUTS = ("_config.yml", "_data", "assets", "_polyfolio")
# Those read through symlinked folders too: the theme's template loader follows them (the copy
# of assets/ does not, and a link there may lead to a big tree elsewhere).
FOLLOWED = frozenset({"_polyfolio"})
MANIFEST = ".polyfolio-manifest.json"  # polyfolio.site.output.MANIFEST, without importing it
PACKAGE_DIR = Path(polyfolio.__file__).resolve().parent
_NOT_CODE = frozenset({"examples", "__pycache__"})
_IMAGE_FIELDS = (("image",), ("caption", "thumbnail"))  # as polyfolio.site.media reads them

# Below this many collection files, forking a process to list them costs more than it saves.
PARALLEL_LISTING = 400
# A path's state: its stamp and, when the stamp was racy, a hash of its content; None: absent.
State = tuple[Stamp, str] | None
DiagnosticTuple = tuple[str, int, int, str, str, str | None]
# The collection as listed (a Listing's fields, None: not sent) and whether it is as recorded.
Listed = tuple[tuple[Any, ...] | None, bool]
# What reading a record of the right format but unexpected contents raises.
_DAMAGED = (KeyError, TypeError, ValueError, IndexError, AttributeError)


class Watch(Struct):
    """The inputs of one build of ``root`` into ``out``, as they are now, and the verdict on
    the record of the last build.  Made before the build reads anything."""

    root: Path
    out: Path
    started: float = field(default_factory=time.perf_counter)
    taken_ns: int = field(default_factory=now_ns)
    inputs: dict[str, State] = field(default_factory=dict)
    images: dict[str, State] = field(default_factory=dict)
    listing: Listing | None = None  # the collection as the check listed it, for the build
    _verdict: BuildResult | None = None
    _checked: bool = False
    _record: dict[str, Any] | None = None
    _rest: bool | None = None  # the verdict of _rest_stands on _record

    def __post_init__(self) -> None:
        self.out = self.out.expanduser().resolve()
        self.inputs = {path: _state(path, self.taken_ns) for path in _input_paths(self.root)}

    @property
    def record_path(self) -> Path:
        # A short name for the output folder (which the record holds: a clash only costs a miss).
        return self.root / CACHE_DIR / f"build-{zlib.crc32(str(self.out).encode()):08x}.marshal"

    def reuse(self, meanwhile: Sequence[Callable[[], object]] = ()) -> BuildResult | None:
        """The last build's result when it still stands, else None (asked once).
        ``meanwhile``: steps of the caller's own work (importing what a build needs, say), taken
        here one by one while a forked child lists the collection of a big site, until it
        answers; not taken when there is no child."""
        if not self._checked:
            self._checked = True
            record = self._record = _read_record(self.record_path)
            if record is not None and self._judge(record, meanwhile):
                with contextlib.suppress(*_DAMAGED):  # (no result to repeat: a full build)
                    self._verdict = self._repeated(record["result"])
        return self._verdict

    def _repeated(self, result: dict[str, Any]) -> BuildResult:
        return BuildResult(
            out=self.out,
            diagnostics=[_diagnostic(t) for t in result["diagnostics"]],
            pages=result["pages"],
            images_reused=result["images"],
            unchanged=result["files"],
            seconds=time.perf_counter() - self.started,
            reused_whole=True,
        )

    def last_collection(self) -> LastBuild | None:
        """The last build's collection (rel → md5) and when it was taken, when that build
        stands but for its collection files: the same environment, inputs, images and output
        files (its manifest untouched, every file there).  None otherwise, or when its
        collection reached outside (a changed link is not an md5).  Asked after :meth:`reuse`,
        before :meth:`forget`."""
        record = self._record
        if record is None or not _intact(lambda: self._stands_but_collection(record)):
            return None
        try:
            files = {rel: str(entry[1]) for rel, entry in record["collection"]["files"].items()}
            return LastBuild(int(record["taken"]), files)
        except _DAMAGED:
            return None

    def _stands_but_collection(self, record: dict[str, Any]) -> bool:
        collection = record["collection"]
        return (
            self._rest_stands(record)  # first: when it does not stand, nothing need be listed
            and not collection["outside"]
            and not (self.listing or self._list(collection["folder"])).outside
        )

    def forget(self) -> None:
        """Drop the last record before a build changes the output folder."""
        with contextlib.suppress(OSError):
            os.unlink(self.record_path)

    def note_images(self, site: Site) -> None:
        """Stamp the image files the items refer to (before the build reads them)."""
        self.images = {path: _state(path, self.taken_ns) for path in sorted(_image_paths(site))}

    def record(self, site: Site, result: BuildResult) -> None:
        """Remember what this build read and wrote, when its result can stand for the next."""
        if not result.ok or result.out != self.out:
            return
        manifest = str(self.out / MANIFEST)
        try:
            outputs = _manifest_files(manifest)
            manifest_stamp = stamp_of(os.stat(manifest))
        except (OSError, ValueError):
            return
        payload = {
            "format": _FORMAT,
            "out": str(self.out),
            "environment": _environment(self.root, self.out),
            "taken": self.taken_ns,
            "inputs": self.inputs,
            "images": self.images,
            "collection": {
                "folder": site.config.collection_dir,
                "taken": site.stamps_taken_ns,
                "files": site.stamps,
                "outside": site.outside_links,
            },
            "outputs": {"manifest": manifest_stamp, "files": outputs},
            "result": {
                "diagnostics": [_tuple(d) for d in result.diagnostics],
                "pages": result.pages,
                "images": result.images_made + result.images_reused,
                "files": result.written + result.unchanged,
            },
        }
        from polyfolio.atomicfile import write_bytes_atomic  # not needed when nothing changed

        with contextlib.suppress(OSError):
            write_bytes_atomic(
                self.record_path, marshal.dumps(payload, FLAT_MARSHAL), durable=False
            )
            _drop_orphans(self.record_path)

    def _judge(self, record: dict[str, Any], meanwhile: Sequence[Callable[[], object]]) -> bool:
        """Whether ``record`` stands.  On a big site, when there is work to do meanwhile, a
        forked child lists the collection and compares it with the record while the rest is
        judged here (~25 and ~20 ms of stats on a 4,000-item site); then the steps of that
        work are taken here until the child answers."""
        child = None
        try:
            child = self._forked_listing(record) if meanwhile else None
            if child is None:
                return _intact(lambda: self._stands(record))
            rest = _intact(lambda: self._rest_stands(record))
            for step in meanwhile:
                if child.ready():
                    break
                step()
            listing, collection_stands = child.result()  # or listed here if the child died
        except BaseException:  # the child must not outlive the check
            if child is not None:
                child.stop()
            raise
        if listing is not None and rest:  # (what the check here would have kept)
            self.listing = Listing(*listing)
        return rest and collection_stands

    def _forked_listing(self, record: dict[str, Any]) -> Forked[dict[str, Any], Listed] | None:
        try:
            files = len(record["collection"]["files"])
        except _DAMAGED:
            return None
        if files < PARALLEL_LISTING:
            return None
        from polyfolio.processes import Forked, can_fork  # (pickle, ctypes) only for a big site

        if not can_fork():
            return None
        try:
            return Forked(self._listed, record, marshal.dumps, marshal.loads)
        except OSError:  # no process to spare
            return None

    def _listed(self, record: dict[str, Any]) -> Listed:
        """The collection listed, as plain data a child can send, and whether it is as
        recorded (not when the record is damaged).  The listing is for the build that follows
        a change: when there is none there, it is not sent (~6 ms), and a build that follows
        another change lists the collection again."""
        stands = _intact(lambda: self._listed_as_recorded(record["collection"]))
        listing = None if stands or not self.listing else msgspec.structs.astuple(self.listing)
        return listing, stands

    def _listed_as_recorded(self, collection: dict[str, Any]) -> bool:
        return _collection_stands(self.root, self._list(collection["folder"]), collection)

    def _list(self, folder: str) -> Listing:
        self.listing = list_collection(str(self.root), folder)
        return self.listing

    def _stands(self, record: dict[str, Any]) -> bool:
        return self._rest_stands(record) and self._listed_as_recorded(record["collection"])

    def _rest_stands(self, record: dict[str, Any]) -> bool:
        """Everything but the collection stands: environment, inputs, images, output files.
        Judged once (a stat per output file), for :meth:`reuse` and :meth:`last_collection`."""
        if self._rest is None:
            self._rest = (
                record["environment"] == _environment(self.root, self.out)
                and _inputs_stand(record["inputs"], record["taken"], self.inputs)
                and _images_stand(record["images"], record["taken"])
                and _outputs_stand(self.out, record["outputs"])
            )
        return self._rest


class LastBuild(Struct, frozen=True):
    """What the one-item rebuild needs of the last build's record."""

    taken_ns: int  # its :attr:`Watch.taken_ns`, also saved with its page cache
    collection: dict[str, str]  # rel → md5 of every collection file it read


def _input_paths(root: Path) -> Iterator[str]:
    """Every file and folder whose change could change the output, besides the collection and
    images: the site's inputs, polyfolio's code and theme, the library folders."""
    for name in SITE_INPUTS:
        yield from tree(os.path.join(root, name), follow=name in FOLLOWED)
    yield from tree(str(PACKAGE_DIR), skip=_NOT_CODE)
    yield from (os.path.abspath(entry) for entry in _library_path() if entry)


def _state(path: str, taken_ns: int) -> State:
    try:
        stamp = stamp_of(os.stat(path))
    except OSError:
        return None
    return stamp, "" if settled(stamp, taken_ns) else _content_hash(path) or "unreadable"


def _content_hash(path: str) -> str | None:
    """A file's bytes or a folder's listing, hashed (for stamps too recent to vouch); None
    when unreadable."""
    try:
        if os.path.isdir(path):
            data = "\0".join(sorted(os.listdir(path))).encode()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError:
        return None
    import hashlib  # (OpenSSL, ~4 ms) only for a recently changed file

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _inputs_stand(recorded: dict[str, State], taken_ns: int, now: dict[str, State]) -> bool:
    if recorded.keys() != now.keys():  # a file added or removed
        return False
    return all(_same(path, was, now[path], taken_ns) for path, was in recorded.items())


def _images_stand(recorded: dict[str, State], taken_ns: int) -> bool:
    return all(_same(path, was, _state(path, taken_ns), taken_ns) for path, was in recorded.items())


def _same(path: str, was: State, now: State, taken_ns: int) -> bool:
    if was is None or now is None:
        return was is now
    if tuple(was[0]) != now[0]:
        return False
    return settled(now[0], taken_ns) or was[1] == (_content_hash(path) or "?")


def _collection_stands(root: Path, listing: Listing, recorded: dict[str, Any]) -> bool:
    files: dict[str, tuple[Stamp, str]] = recorded["files"]
    found = listing.files
    if found.keys() != files.keys() or listing.outside != recorded["outside"]:
        return False
    taken = recorded["taken"]
    for rel, now in found.items():
        if now is None:
            return False
        stamp, md5 = files[rel]
        if tuple(stamp) != now:
            return False
        if not settled(now, taken) and _md5(f"{root}/{rel}") != md5:
            return False
    return True


def _md5(path: str) -> str:
    import hashlib  # only for a recently changed file

    with open(path, "rb") as handle:
        return hashlib.md5(handle.read(), usedforsecurity=False).hexdigest()


def _outputs_stand(out: Path, recorded: dict[str, Any]) -> bool:
    """The manifest untouched and every file of it still a file."""
    base = str(out)
    try:
        if stamp_of(os.stat(f"{base}/{MANIFEST}")) != tuple(recorded["manifest"]):
            return False
        return all(
            stat_module.S_ISREG(os.stat(f"{base}/{rel}").st_mode) for rel in recorded["files"]
        )
    except OSError:
        return False


def _manifest_files(path: str) -> list[str]:
    import json  # only when recording

    with open(path, "rb") as handle:
        files = json.loads(handle.read())["files"]
    return sorted(files)


def _environment(root: Path, out: Path) -> tuple[str, ...]:
    home = os.path.expanduser("~")
    return (sys.version, sys.executable, *_library_path(), str(root), str(out), home)


def _library_path() -> list[str]:
    """Where libraries are imported from: ``sys.path`` but its first entry, the script's or
    the current folder, which holds the user's files (and changes as they work)."""
    return sys.path[1:]


def _image_paths(site: Site) -> set[str]:
    from polyfolio.content.assets import asset_ref
    from polyfolio.content.frontmatter import lookup

    values = {lookup(item.data, keys) for item in site.items for keys in _IMAGE_FIELDS}
    refs = (asset_ref(v, site.root) for v in values if isinstance(v, str) and v.strip())
    return {os.path.join(site.root, ref.rel) for ref in refs if ref.rel is not None}


def _drop_orphans(kept: Path) -> None:
    """Remove the records of output folders that are gone (``serve`` builds into a new
    temporary folder each time), so they do not pile up in the cache."""
    for path in kept.parent.glob("build-*.marshal"):
        if path != kept:
            record = _read_record(path)
            out = record.get("out") if record is not None else None
            if not isinstance(out, str) or not os.path.isfile(os.path.join(out, MANIFEST)):
                path.unlink(missing_ok=True)


def _intact(check: Callable[[], bool]) -> bool:
    """A check over a record of the right format whose contents are not what we write (a
    foreign or damaged file) fails instead of raising."""
    try:
        return check()
    except _DAMAGED:
        return False


def _read_record(path: Path) -> dict[str, Any] | None:
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        record = marshal.loads(path.read_bytes())
        if isinstance(record, dict) and record.get("format") == _FORMAT:
            return record
    return None


def _tuple(d: Diagnostic) -> DiagnosticTuple:
    return (d.location.path, d.location.line, d.location.col, d.level.value, d.message, d.hint)


def _diagnostic(t: Iterable[Any]) -> Diagnostic:
    path, line, col, level, message, hint = t
    return Diagnostic(Location(path, line, col), Level(level), message, hint)
