"""A first build is written beside its output folder and moved into place whole.

When the output folder does not exist yet, nobody can be reading it: the build writes every file
straight into a new sibling folder (``.<name>.polyfolio-staging-<random>``), without the temp file
and rename that guard each page of an existing folder, and renames the sibling to the output
folder when it succeeds.  A first build that fails or is stopped leaves no output folder at all,
never a partial one.  Where staging cannot work (a name too long for the file system, no
``flock``), the build writes in place, as later builds do.

Each staging folder is locked (``flock`` on the folder itself) while its build runs, so the
cleanup each build makes removes only the leftovers of builds that have ended (killed), never
the folder of one still running.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from polyfolio.diagnostics import ContentError, Location, error

_MARK = ".polyfolio-staging-"
_NEW = ".polyfolio-new-"  # a staging folder before it is locked: no cleanup looks at it
_NAME_MAX = 255


@contextlib.contextmanager
def staged(out: Path, manifest: str) -> Iterator[Path | None]:
    """A new staging folder to write ``out`` into when ``out`` does not exist (else None: write
    in place), which becomes ``out`` when the block ends normally and is removed when it raises.
    ``manifest``: the name of the file only a polyfolio output holds (a leftover without it
    is not ours).  Where staging cannot work (a name too long, no ``flock``), None as well."""
    _remove_leftovers(out, manifest)
    if os.path.lexists(out):
        yield None
        return
    missing = [folder for folder in out.parents if not os.path.lexists(folder)]
    made = _make(out)
    if made is None:
        yield None
        return
    path, lock = made
    try:
        yield path
        _publish(path, out, manifest)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        for folder in missing:  # the parents made for it, deepest first, if still empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        os.close(lock)


def is_staging(name: str) -> bool:
    """Whether a folder of this name is a staging folder (which a watcher should ignore)."""
    return name.startswith(".") and (_MARK in name or _NEW in name)


def _make(out: Path) -> tuple[Path, int] | None:
    """A locked staging folder and its lock, or None when staging cannot work here.  Made under
    a name no cleanup looks at and renamed once locked, so another build's cleanup never takes
    it for an abandoned one."""
    token = secrets.token_hex(6)
    path = out.parent / f".{out.name}{_MARK}{token}"
    if len(os.fsencode(path.name)) > _NAME_MAX:
        return None
    fresh = out.parent / f".{out.name}{_NEW}{token}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fresh.mkdir()
    except OSError as exc:
        raise _failed(out, "cannot make folder", exc) from None
    try:
        lock = os.open(fresh, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        fresh.rmdir()
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fresh.rename(path)
    except OSError:  # a file system without flock: write in place, as before staging
        os.close(lock)
        fresh.rmdir()
        return None
    return path, lock


def _publish(path: Path, out: Path, manifest: str) -> None:
    """Rename the staging folder to ``out``.  If another build published ``out`` meanwhile
    (a polyfolio output: it holds the manifest), this one replaces it, as the later of two
    builds into one folder always did; anything else there is never written over."""
    try:
        os.rename(path, out)  # replaces an empty folder made meanwhile, never a full one
        return
    except OSError as exc:
        if not (out / manifest).is_file() or (out / manifest).is_symlink():
            raise _failed(out, "cannot put the new site in place", exc) from None
    aside = path.with_name(f"{path.name}-replaced")
    try:
        os.rename(out, aside)
        os.rename(path, out)
    except OSError as exc:
        raise _failed(out, "cannot put the new site in place", exc) from None
    shutil.rmtree(aside, ignore_errors=True)


def _failed(out: Path, what: str, exc: OSError) -> ContentError:
    return ContentError(error(Location(str(out)), f"{what}: {exc.strerror or exc}"))


def _remove_leftovers(out: Path, manifest: str) -> None:
    """Remove the staging folders of ``out`` left by builds that were killed (a scan of its
    parent folder, each build): those no running build holds, that are empty or hold
    polyfolio's manifest."""
    prefix = f".{out.name}{_MARK}"
    found: list[Path] = []
    with contextlib.suppress(OSError), os.scandir(out.parent) as entries:
        found = [Path(e.path) for e in entries if e.name.startswith(prefix) and _is_folder(e)]
    for path in found:
        with contextlib.suppress(OSError):
            _remove_if_abandoned(path, manifest)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    return entry.is_dir(follow_symlinks=False)  # a link named like ours leads to the user's


def _remove_if_abandoned(path: Path, manifest: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a build still running writes there
        if (path / manifest).is_file() or not any(path.iterdir()):
            shutil.rmtree(path)
    finally:
        os.close(fd)
