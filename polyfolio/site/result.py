"""What a build reports: its output folder, diagnostics and counts (apart from the build, so
the no-change path can answer without importing it), and where it writes by default."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from polyfolio.diagnostics import Diagnostic

DEFAULT_OUT = "_site"


class BuildResult(Struct):
    out: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    groups_examined: int = 0  # item groups whose key was computed (all but when narrowed)
    groups_rendered: int = 0
    bodies_rendered: int = 0
    images_made: int = 0
    images_reused: int = 0
    written: int = 0
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reused_whole: bool = False  # nothing changed: the last build's output and report stand
    narrowed: bool = False  # only collection files changed: only the groups they touch examined

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors
