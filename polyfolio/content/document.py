"""A Markdown file with YAML front matter, split into parts that join back to the exact bytes.

The split follows Jekyll: a file is a page with front matter when its first line is ``---``;
the block ends at the next line that is ``---`` or ``...`` (trailing blanks allowed, as in the
wild: ``--- ``).  Nothing is normalised: BOM, line endings and a missing final newline are kept
in the parts, so ``Document.to_bytes()`` gives back what was read.
"""

from __future__ import annotations

import hashlib
import re

from msgspec import Struct, structs

from polyfolio.diagnostics import ContentError, Location, error

_BOM = "\ufeff"
_OPENING = re.compile(r"---[ \t]*(?:\r?\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)


class Document(Struct, frozen=True):
    """One content file as parts of text: ``bom + opening + front_matter + closing + body``."""

    path: str
    bom: str
    opening: str
    front_matter: str
    closing: str
    body: str

    @property
    def has_front_matter(self) -> bool:
        return bool(self.opening)

    @property
    def front_matter_line(self) -> int:
        """1-based line in the file where the front matter text starts."""
        return 2

    @property
    def body_line(self) -> int:
        """1-based line in the file where the body starts."""
        if not self.has_front_matter:
            return 1
        return 2 + self.front_matter.count("\n") + self.closing.count("\n")

    def to_text(self) -> str:
        return self.bom + self.opening + self.front_matter + self.closing + self.body

    def to_bytes(self) -> bytes:
        return self.to_text().encode("utf-8")

    def with_front_matter(self, front_matter: str) -> Document:
        return structs.replace(self, front_matter=front_matter)

    def with_body(self, body: str) -> Document:
        return structs.replace(self, body=body)


def md5_hex(data: bytes) -> str:
    """The hash ``source_hash`` holds: MD5 of a file's bytes, as ``md5sum`` prints it."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def decode(path: str, data: bytes) -> str:
    """Decode UTF-8 strictly; a bad byte is an error that says where it is."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError(
            error(Location(path, line, col), f"not valid UTF-8 (byte 0x{data[exc.start]:02x})")
        ) from None


def split_document(path: str, text: str) -> Document:
    """Split decoded text into a :class:`Document`; an unclosed front matter is an error."""
    bom = _BOM if text.startswith(_BOM) else ""
    rest = text[len(bom) :]
    opening = _OPENING.match(rest)
    if opening is None:
        return Document(path, bom, "", "", "", rest)
    closing = _CLOSING.search(rest, opening.end())
    if closing is None:
        raise ContentError(
            error(
                Location(path, 1, 1),
                "front matter opened here is never closed",
                "end it with a line '---'",
            )
        )
    return Document(
        path=path,
        bom=bom,
        opening=opening.group(),
        front_matter=rest[opening.end() : closing.start()],
        closing=closing.group(),
        body=rest[closing.end() :],
    )


def parse_document(path: str, data: bytes) -> Document:
    return split_document(path, decode(path, data))
