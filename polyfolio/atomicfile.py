"""Atomic file replacement: a reader (or a crash) sees the old bytes or the new, never a mix."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    ``durable=False`` skips the fsync, for derived data (caches) that is rebuilt after a crash:
    on a slow disk the fsync costs more than the whole write.

    The file mode of an existing target is kept, so a translation file stays as editable as it was;
    a new file gets the usual mode (0666 less the umask), like any file the user creates.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _existing_mode(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        # mkstemp makes the file 0600; a new file gets the mode open() would give it instead
        os.chmod(tmp_name, mode if mode is not None else _default_mode())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def _default_mode() -> int:
    return 0o666 & ~_umask()


def _umask() -> int:
    # Linux says it in /proc; setting and restoring it instead would briefly change it for
    # every thread of the process (a dev server builds while it serves).
    status = Path("/proc/self/status")
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in status.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _existing_mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return None
