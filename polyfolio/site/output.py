"""The output folder: written only by us, and only what we wrote is ever deleted.

Every file written is recorded in ``.polyfolio-manifest.json`` with a key (hash of its bytes, or
of its source for copies).  The next build rewrites only files whose key changed and deletes only
files the previous manifest lists and this build did not produce.  A folder that could hold
anything else of value is refused before a byte is touched: the site itself or a folder
containing it, ``/``, the home folder, a folder the build reads from, or a non-empty folder
without our manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from polyfolio.diagnostics import ContentError, Location, error

MANIFEST = ".polyfolio-manifest.json"
_VERSION = 1


class OutputRefused(Exception):
    """The output folder is not one we may write into; nothing was written or deleted."""


def check_output_folder(out: Path, site_root: Path, read_dirs: list[Path]) -> Path:
    """The resolved output folder, or OutputRefused saying why it is not safe to use."""
    target = out.expanduser().resolve()
    root = site_root.resolve()
    if target == Path(target.anchor):
        raise OutputRefused(f"refusing to build into {target}: it is the file system root")
    if target == Path.home().resolve():
        raise OutputRefused(f"refusing to build into {target}: it is the home folder")
    if root.is_relative_to(target):
        what = "the site itself" if target == root else "a folder containing the site"
        raise OutputRefused(f"refusing to build into {target}: it is {what}")
    for folder in read_dirs:
        if target.is_relative_to(folder.resolve()):
            raise OutputRefused(f"refusing to build into {target}: the build reads from {folder}")
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"refusing to build into {target}: it is not a folder")
    try:
        foreign = target.is_dir() and not (target / MANIFEST).is_file() and any(target.iterdir())
    except OSError as exc:
        raise OutputRefused(f"cannot use {target}: {_reason(exc)}") from None
    if foreign:
        raise OutputRefused(
            f"refusing to build into {target}: it is not empty and was not made by polyfolio "
            f"(no {MANIFEST}); choose an empty or new folder"
        )
    return target


def content_key(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class OutputFolder:
    """Writes into a checked output folder; ``finish`` deletes stale files, saves the manifest."""

    def __init__(self, root: Path, into: Path | None = None) -> None:
        """``root``: the output folder; ``into``: where to write it instead, a new folder no
        one reads yet (:mod:`polyfolio.site.staging`), so files go straight to their names."""
        self.shown = root
        self.root = into or root
        self.fresh = into is not None
        self.previous = _read_manifest(root / MANIFEST)
        self.current: dict[str, str] = {}
        self.written = 0
        self.unchanged = 0
        self.conflicts: list[str] = []
        self.undeletable: dict[str, str] = {}
        self._dirs: dict[Path, bool] = {}  # folder → made by this build
        self._planned: frozenset[str] = frozenset()
        self._theirs: frozenset[str] = frozenset()  # planned new files found before writing

    def begin(self, planned: list[str]) -> None:
        """Record every path this build may write before writing any, so an interrupted build
        leaves no file the next one does not know it owns; note which of the new ones are
        already there (the user's: never overwritten), before any process writes one."""
        claimed = dict(self.previous)
        for rel in planned:
            claimed.setdefault(rel, "")
        self._planned = frozenset(planned)
        if not self.fresh:  # a new staging folder holds nothing of the user's
            root = str(self.root)
            self._theirs = frozenset(
                rel
                for rel in self._planned - self.previous.keys()
                if os.path.lexists(f"{root}/{rel}")
            )
        self.root.mkdir(parents=True, exist_ok=True)
        if len(claimed) != len(self.previous) or not (self.root / MANIFEST).is_file():
            _write_manifest(self.root / MANIFEST, claimed, self.shown / MANIFEST)

    def child(self) -> OutputFolder:
        """A writer sharing this folder and its previous manifest, with its own tally (for a
        worker process; the parent takes its results back with :meth:`absorb`)."""
        other = OutputFolder.__new__(OutputFolder)
        other.shown, other.root, other.fresh = self.shown, self.root, self.fresh
        other.previous = self.previous
        other.current, other.written, other.unchanged, other.conflicts = {}, 0, 0, []
        other.undeletable = {}
        other._dirs = dict(self._dirs)
        other._planned, other._theirs = self._planned, self._theirs
        return other

    def absorb(
        self, files: dict[str, str], written: int, unchanged: int, conflicts: list[str]
    ) -> None:
        self.current.update(files)
        self.written += written
        self.unchanged += unchanged
        self.conflicts += conflicts

    def write(self, rel: str, data: bytes, key: str | None = None) -> None:
        writer = write_new if self.fresh else write_derived
        self._put(rel, key or content_key(data), lambda path: writer(path, data))

    def keep(self, rel: str, key: str) -> None:
        """Count a file already in place (checked with :meth:`has_unchanged`) as this build's."""
        self.current[rel] = key
        self.unchanged += 1

    def copy(self, rel: str, source: Path, key: str) -> None:
        copier = shutil.copyfile if self.fresh else _replace_copy
        self._put(rel, key, lambda path: copier(source, path))

    def has_unchanged(self, rel: str, key: str) -> bool:
        return self.previous.get(rel) == key and os.path.isfile(f"{self.root}/{rel}")

    def finish(self) -> list[str]:
        """Delete what the previous build wrote and this one did not; save the new manifest."""
        deleted = []
        for rel in sorted(self.previous.keys() - self.current.keys()):
            path = self.root / rel
            if not _inside(path, self.root) or not path.is_file() or path.is_symlink():
                continue
            try:
                path.unlink()
            except OSError:
                self.undeletable[rel] = self.previous[rel]  # still ours: the next build retries
                continue
            deleted.append(rel)
            self._prune_empty(path.parent)
        manifest = {**self.current, **self.undeletable}
        if manifest != self.previous:
            _write_manifest(self.root / MANIFEST, manifest, self.shown / MANIFEST)
        return deleted

    def _put(self, rel: str, key: str, writer: Callable[[Path], object]) -> None:
        path = self.root / rel
        if not _inside(path, self.root):
            raise OutputRefused(f"refusing to write outside the output folder: {rel}")
        if self.has_unchanged(rel, key):
            self.current[rel] = key
            self.unchanged += 1
            return
        try:
            made_now = self._folder(path.parent)
        except OSError as exc:
            where = Location(str((self.shown / rel).parent))
            raise ContentError(error(where, f"cannot make folder: {_reason(exc)}")) from None
        if self._users(rel, path, made_now):
            self.conflicts.append(rel)  # a file of the user's: never overwritten
            return
        self.current[rel] = key
        try:
            writer(path)
        except OSError as exc:  # a full disk or a read-only folder: stop with a clear message
            raise ContentError(
                error(Location(str(self.shown / rel)), f"cannot write: {_reason(exc)}")
            ) from None
        self.written += 1

    def _users(self, rel: str, path: Path, made_now: bool) -> bool:
        """Whether the file at ``rel`` is the user's: a planned new file found there before
        anything was written (whichever process writes it, and a file another process of this
        build wrote is not); an unplanned one found in a folder this process did not make.
        Nothing in a new staging folder, nor a file our last build wrote, is."""
        if self.fresh or rel in self.previous:
            return False
        if rel in self._planned:
            return rel in self._theirs
        return not made_now and path.exists()

    def _folder(self, folder: Path) -> bool:
        """Make sure ``folder`` exists; True when this build created it."""
        if folder not in self._dirs:
            try:
                folder.mkdir()
                self._dirs[folder] = True
            except FileExistsError:
                self._dirs[folder] = False
            except FileNotFoundError:
                self._folder(folder.parent)
                folder.mkdir(exist_ok=True)
                self._dirs[folder] = True
        return self._dirs[folder]

    def _prune_empty(self, folder: Path) -> None:
        while folder != self.root and _inside(folder, self.root):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _inside(path: Path, root: Path) -> bool:
    return os.path.normpath(path).startswith(str(root) + os.sep)


def write_derived(path: Path, data: bytes) -> None:
    """Replace a derived file (a page, a cache) atomically: temp file + rename, so a reader (the
    dev server) never sees a torn page.  No fsync: whatever is derived is rebuilt after a crash,
    and 8,000 fsyncs would dominate a build."""
    tmp = _temp_name(path)
    try:
        write_new(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_new(path: Path, data: bytes) -> None:
    """Write a file where no one reads yet (a temp file, a folder not yet in place) as it is."""
    # Plain descriptors: a buffered file object per page is measurable at 8,000 pages.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _replace_copy(source: Path, path: Path) -> None:
    tmp = _temp_name(path)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _temp_name(path: Path) -> Path:
    """One fixed name per target (mkstemp's random names cost a measurable share of a build):
    a temp file left by a killed build is reused, and so removed, when the target is rewritten.
    Worker processes write disjoint targets, so they never share one."""
    return path.with_name(f".{path.name}.polyfolio-tmp")


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items()}


def _write_manifest(path: Path, files: dict[str, str], shown: Path) -> None:
    # One file a line, still through the C encoder (``indent`` would switch to the Python one).
    manifest = {"version": _VERSION, "files": dict(sorted(files.items()))}
    text = json.dumps(manifest, separators=(",\n", ": "))
    try:
        write_derived(path, text.encode("utf-8"))
    except OSError as exc:
        raise ContentError(error(Location(str(shown)), f"cannot write: {_reason(exc)}")) from None
