"""Messages that point at a place in a file: ``path:line:col: level: message``.

Every layer reports problems with a :class:`Diagnostic`; commands collect them and print them
together (up to a cap) instead of dying on the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

from msgspec import Struct, field


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Location(Struct, frozen=True, order=True):
    """A place in a site file; ``line`` and ``col`` are 1-based, as editors show them."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Diagnostic(Struct, frozen=True):
    location: Location
    level: Level
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.level}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def error(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Level.ERROR, message, hint)


def warning(location: Location, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(location, Level.WARNING, message, hint)


class ContentError(Exception):
    """Raised where a file cannot be used at all; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class Report(Struct):
    """Diagnostics gathered over a whole command run."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    def sorted(self) -> Iterator[Diagnostic]:
        return iter(sorted(self.items, key=lambda d: (d.location, d.message)))
