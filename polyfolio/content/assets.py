"""What an image reference in front matter points at.

Agency sites write ``assets/img/x.jpg``, ``/assets/img/x.jpg``, ``{{ site.baseurl }}/assets/...``
and, from Windows, ``assets\\img\\x.jpg``; some use remote URLs.  This module turns any of them
into a site-relative path (or says it is remote), one place for ``check`` and ``build``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from msgspec import Struct

ASSETS_DIR = "assets"  # the site's own files, copied to the output as they are

_BASEURL = re.compile(r"^\{\{\s*site\.baseurl\s*\}\}")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class AssetRef(Struct, frozen=True):
    raw: str
    rel: str | None
    remote: bool
    backslashes: bool

    def exists_in(self, root: Path) -> bool:
        return self.rel is not None and (root / self.rel).is_file()


def asset_ref(value: str, root: Path) -> AssetRef:
    raw = value.strip()
    if _REMOTE.match(raw) or raw.startswith("data:"):
        return AssetRef(raw, None, remote=True, backslashes=False)
    backslashes = "\\" in raw
    cleaned = _BASEURL.sub("", raw).replace("\\", "/").split("?", 1)[0].split("#", 1)[0]
    path = PurePosixPath(cleaned.lstrip("/"))
    if not path.parts or ".." in path.parts:
        return AssetRef(raw, None, remote=False, backslashes=backslashes)
    resolved = (root / path).resolve()
    inside = resolved.is_relative_to(root.resolve())
    return AssetRef(raw, path.as_posix() if inside else None, False, backslashes)
