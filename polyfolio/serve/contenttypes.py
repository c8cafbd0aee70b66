"""Content types for what a static site holds; the platform's mimetypes table is the fallback
(it varies between machines, so the types browsers are strict about are fixed here)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

_UTF8_TEXT = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json",
}
_BINARY = {
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
}
DEFAULT_TYPE = "application/octet-stream"


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _UTF8_TEXT:
        return f"{_UTF8_TEXT[suffix]}; charset=utf-8"
    if suffix in _BINARY:
        return _BINARY[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or DEFAULT_TYPE


def is_html(path: Path) -> bool:
    return path.suffix.lower() in (".html", ".htm")
