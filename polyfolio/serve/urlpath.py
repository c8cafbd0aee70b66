"""Map a raw request target to a file under the served folder, or say why not.

The raw target is checked segment by segment *before* decoding, so that no encoded form can
smuggle a separator or a dot segment past the check: ``..`` and ``.`` (plain or ``%2e``-encoded),
encoded slashes and backslashes, NUL bytes and invalid UTF-8 are a bad request.  Whatever is left
is joined under the root and resolved; a result outside the root (through a symlink) is "not
found", like a hidden (dot) file such as the build manifest or a half-written temporary file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

from msgspec import Struct

NOT_FOUND_PAGE = "404.html"
INDEX_PAGE = "index.html"
_FORBIDDEN_IN_SEGMENT = ("/", "\\", "\x00")


class File(Struct, frozen=True):
    path: Path


class Redirect(Struct, frozen=True):
    location: str


class NotFound(Struct, frozen=True):
    page: Path | None  # the nearest 404.html above the requested place, when there is one


class BadRequest(Struct, frozen=True):
    reason: str


Target = File | Redirect | NotFound | BadRequest


class _Rejected(Exception):
    pass


def resolve_target(root: Path, base_path: str, raw_target: str) -> Target:
    """Where ``raw_target`` (as sent on the request line) leads under ``root`` mounted at
    ``base_path`` (``/`` or ``/prefix/``).  ``root`` must already be resolved."""
    path, query = _split_target(raw_target)
    if not path.startswith("/"):
        return BadRequest("the request target must be a path starting with /")
    if path + "/" == base_path or (path == "/" and base_path != "/"):  # the host alone too
        return Redirect(base_path + query)
    if not path.startswith(base_path):
        return NotFound(_nearest_not_found(root, []))
    try:
        segments = _decoded_segments(path[len(base_path) :])
    except _Rejected as exc:
        return BadRequest(str(exc))
    if any(segment.startswith(".") for segment in segments):
        return NotFound(_nearest_not_found(root, []))
    try:
        return _locate(root, base_path, segments, path.endswith("/"), query)
    except OSError:  # a name too long, a folder we may not read: nothing to serve there
        return NotFound(None)


def _split_target(raw_target: str) -> tuple[str, str]:
    without_fragment = raw_target.split("#", 1)[0]
    path, sep, query = without_fragment.partition("?")
    return path, f"?{query}" if sep else ""


def _decoded_segments(rest: str) -> list[str]:
    segments = []
    for raw in rest.split("/"):
        if not raw:
            continue  # "a//b" is "a/b"; the join below can never climb out because of it
        if "\\" in raw:
            raise _Rejected("backslash in the request path")
        try:
            segment = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise _Rejected("the request path is not valid UTF-8") from None
        if any(char in segment for char in _FORBIDDEN_IN_SEGMENT):
            raise _Rejected("encoded separator or NUL in the request path")
        if segment in (".", ".."):
            raise _Rejected("dot segment in the request path")
        segments.append(segment)
    return segments


def _locate(root: Path, base_path: str, segments: list[str], wants_dir: bool, query: str) -> Target:
    found = _inside(root, root.joinpath(*segments))
    if found is not None and found.is_dir():
        if not wants_dir:
            location = base_path + "".join(f"{quote(segment)}/" for segment in segments)
            return Redirect(location + query)
        index = _inside(root, found / INDEX_PAGE)
        if index is not None and index.is_file():
            return File(index)
    elif found is not None and found.is_file() and not wants_dir:
        return File(found)
    return NotFound(_nearest_not_found(root, segments))


def _inside(root: Path, candidate: Path) -> Path | None:
    """``candidate`` with symlinks followed, or None when that leaves ``root``."""
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return None
    return resolved if resolved.is_relative_to(root) else None


def _nearest_not_found(root: Path, segments: list[str]) -> Path | None:
    for depth in range(len(segments), -1, -1):
        page = _inside(root, root.joinpath(*segments[:depth], NOT_FOUND_PAGE))
        if page is not None and page.is_file():
            return page
    return None
