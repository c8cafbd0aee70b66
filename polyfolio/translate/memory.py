"""The translation memory: every translation we made or accepted, and the sources they came from.

One SQLite file, ``<site>/.polyfolio/memory.sqlite``, meant to be committed with the site so a
fresh clone plans the same work as the machine that made the translations.  The rollback journal
(``journal_mode=DELETE``, not WAL) keeps the whole state in that one file between runs, and makes
a killed run harmless: SQLite rolls back the transaction in flight when the file is next opened.

Two tables:

- ``translations``: (source text, source language, target language, settings key) → target text,
  with its origin (``engine``, ``human`` or ``accepted``).  Texts are in placeholder form.  The
  settings key identifies the engine and its settings (never a secret); human and accepted texts
  belong to no engine and are stored under :data:`NO_ENGINE`.
- ``sources``: MD5 hex → the bytes of every source file version that a target was made from or
  accepted for, so a stale target's earlier source can be re-segmented and aligned.

Languages are BCP 47 tags (``el``), so the memory does not depend on a site's own codes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

from msgspec import Struct

from polyfolio.atomicfile import write_text_atomic
from polyfolio.content.document import md5_hex
from polyfolio.diagnostics import ContentError, Location, error

STATE_DIR = ".polyfolio"
MEMORY_FILE = "memory.sqlite"
SCHEMA_VERSION = 1
NO_ENGINE = ""

_SCHEMA = (
    """
CREATE TABLE translations (
    source_text  TEXT NOT NULL,
    source_lang  TEXT NOT NULL,
    target_lang  TEXT NOT NULL,
    settings_key TEXT NOT NULL,
    target_text  TEXT NOT NULL,
    origin       TEXT NOT NULL CHECK (origin IN ('engine', 'human', 'accepted')),
    created      REAL NOT NULL,
    PRIMARY KEY (source_text, source_lang, target_lang, settings_key)
) WITHOUT ROWID
""",
    """
CREATE TABLE sources (
    md5     TEXT PRIMARY KEY,
    content BLOB NOT NULL,
    created REAL NOT NULL
) WITHOUT ROWID
""",
)

# Which stored text wins when several exist for one source text: a human's fix, then the
# configured engine's own earlier answer, then a translation accepted as it was.
_PRIORITY = {"human": 0, "engine": 1, "accepted": 2}


class Origin(StrEnum):
    ENGINE = "engine"
    HUMAN = "human"
    ACCEPTED = "accepted"


class Pair(Struct, frozen=True):
    """A language pair and the engine settings a translation was made with."""

    source_lang: str
    target_lang: str
    settings_key: str


class Stored(Struct, frozen=True):
    source_text: str
    target_text: str
    origin: Origin


def memory_path(site_root: Path) -> Path:
    return site_root / STATE_DIR / MEMORY_FILE


class TranslationMemory:
    """A connection to one memory file; use as a context manager or call :meth:`close`."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, site_root: Path) -> TranslationMemory:
        """Open (creating if needed) the site's memory for reading and writing."""
        path = memory_path(site_root)
        ensure_state_dir(site_root)
        return cls._connect(path)

    @classmethod
    def open_existing(cls, site_root: Path) -> TranslationMemory:
        """The site's memory if it exists, else an empty one in RAM: reading never creates files."""
        path = memory_path(site_root)
        return cls._connect(path if path.is_file() else None)

    @classmethod
    def _connect(cls, path: Path | None) -> TranslationMemory:
        where = f"{STATE_DIR}/{MEMORY_FILE}"
        try:
            # a run commits from a worker thread (one at a time) so its event loop never waits
            # on a disk sync; check_same_thread would forbid that
            connection = sqlite3.connect(
                path or ":memory:", isolation_level=None, check_same_thread=False
            )
            memory = cls(connection, path)
            memory._prepare(where)
        except sqlite3.DatabaseError as exc:
            raise ContentError(
                error(Location(where), f"cannot open the translation memory: {exc}")
            ) from None
        return memory

    def _prepare(self, where: str) -> None:
        db = self._db
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=FULL")
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise ContentError(
                error(
                    Location(where),
                    f"translation memory schema {version} is newer than this polyfolio "
                    f"understands ({SCHEMA_VERSION}); upgrade polyfolio",
                )
            )
        if version == 0:
            with self._transaction():
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- translations -------------------------------------------------------------------

    def lookup(self, source_text: str, pair: Pair) -> Stored | None:
        """The best stored translation of ``source_text`` for ``pair``, or ``None``."""
        rows = self._db.execute(
            "SELECT target_text, origin FROM translations"
            " WHERE source_text = ? AND source_lang = ? AND target_lang = ?"
            " AND settings_key IN (?, ?)",
            (source_text, pair.source_lang, pair.target_lang, pair.settings_key, NO_ENGINE),
        ).fetchall()
        if not rows:
            return None
        target_text, origin = min(rows, key=lambda row: _PRIORITY[row[1]])
        return Stored(source_text, target_text, Origin(origin))

    def store(self, pair: Pair, texts: Iterable[tuple[str, str]], origin: Origin) -> None:
        """Record (source text, target text) pairs of one language pair in one transaction."""
        self.store_many(((pair, source, target) for source, target in texts), origin)

    def store_many(self, rows: Iterable[tuple[Pair, str, str]], origin: Origin) -> None:
        """Record (pair, source text, target text) rows in one transaction.

        Engine answers are stored under the pair's settings key; human and accepted texts under
        :data:`NO_ENGINE`, so they serve every engine.
        """
        now = time.time()
        values = [
            (
                source,
                pair.source_lang,
                pair.target_lang,
                pair.settings_key if origin is Origin.ENGINE else NO_ENGINE,
                target,
                str(origin),
                now,
            )
            for pair, source, target in rows
        ]
        if not values:
            return
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)", values
            )

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM translations").fetchone()[0])

    # --- sources ------------------------------------------------------------------------

    def add_source(self, content: bytes) -> str:
        """Keep a source file version; returns its MD5 hex (what ``source_hash`` holds)."""
        return self.add_sources([content])[0]

    def add_sources(self, contents: Iterable[bytes]) -> list[str]:
        """Keep several source file versions in one transaction; returns their MD5 hex."""
        now = time.time()
        rows = {md5_hex(content): content for content in contents}
        if rows:
            with self._transaction():
                self._db.executemany(
                    "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)",
                    [(digest, content, now) for digest, content in rows.items()],
                )
        return list(rows)

    def source(self, md5: str) -> bytes | None:
        row = self._db.execute("SELECT content FROM sources WHERE md5 = ?", (md5,)).fetchone()
        return bytes(row[0]) if row else None

    def source_hashes(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT md5 FROM sources")}

    def integrity_ok(self) -> bool:
        return bool(self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")


# The lock, SQLite's journal and the caches are per machine; the memory itself is shared state.
_IGNORED = ("translate.lock", "*-journal", "cache/")


def ensure_state_dir(site_root: Path) -> Path:
    """``<site>/.polyfolio``, with a ``.gitignore`` that lets git keep only the memory."""
    folder = site_root / STATE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    try:
        text = ignore.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    missing = [line for line in _IGNORED if line not in text.splitlines()]
    if missing:
        prefix = text if not text or text.endswith("\n") else text + "\n"
        write_text_atomic(ignore, prefix + "".join(f"{line}\n" for line in missing))
    return folder
