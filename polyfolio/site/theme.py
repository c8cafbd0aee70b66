"""The theme: Jinja2 templates and static files, each overridable from the site folder.

``<site>/_polyfolio/templates/<name>`` replaces the built-in template of that name and
``<site>/_polyfolio/static/<name>`` the built-in static file.  :attr:`Theme.version` hashes
everything that shapes the output (templates, static files, this package's code) so build caches
are invalidated when any of it changes.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment

import polyfolio
from polyfolio.diagnostics import ContentError, Diagnostic, Location, error, warning
from polyfolio.site.walk import tree

PACKAGE_DIR = Path(__file__).resolve().parent
BUILT_IN_TEMPLATES = PACKAGE_DIR / "templates"
BUILT_IN_STATIC = PACKAGE_DIR / "static"
OVERRIDES = "_polyfolio"
TEMPLATE_CACHE = ".polyfolio/cache/templates"

# Templates the theme once documented and no longer renders, and where their changes belong now.
RETIRED_TEMPLATES = {
    "fragment.html": "the dialog shows the item page's <article>; "
    "move changes to item.html or item_content.html",
}


class Theme:
    def __init__(self, site_root: Path) -> None:
        self.site_root = site_root
        self.template_dirs = [site_root / OVERRIDES / "templates", BUILT_IN_TEMPLATES]
        self.static_dirs = [site_root / OVERRIDES / "static", BUILT_IN_STATIC]
        self.static_files = self._static_files()
        self.static_keys = {
            name: hashlib.blake2b(path.read_bytes(), digest_size=4).hexdigest()
            for name, path in self.static_files.items()
        }
        self.version = self._version()

    @cached_property
    def env(self) -> Environment:
        """Made on first use: a build whose pages all come from the cache never needs it."""
        from jinja2 import (
            ChoiceLoader,
            Environment,
            FileSystemLoader,
            StrictUndefined,
            select_autoescape,
        )

        return Environment(
            loader=ChoiceLoader([FileSystemLoader(str(d)) for d in self.template_dirs]),
            autoescape=select_autoescape(["html", "xml"], default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one Theme per build: no stat of every template per page
            bytecode_cache=self._bytecode_cache(),
        )

    def _bytecode_cache(self) -> BytecodeCache | None:
        """Compiled templates kept in the site's cache (compiling them costs ~15 ms of a rebuild
        that renders one page).  Jinja2 checks each against its template's source; the file
        names carry the theme version, which covers the environment's settings in this code."""
        from jinja2 import FileSystemBytecodeCache

        folder = self.site_root / TEMPLATE_CACHE
        prefix = f"{self.version[:16]}-"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.iterdir():  # an earlier version's
                if not stale.name.startswith(prefix):
                    stale.unlink()
        except OSError:
            return None
        return FileSystemBytecodeCache(str(folder), f"{prefix}%s.cache")

    def render(self, name: str, **context: Any) -> str:
        """Render a template; a broken one (often a user's override) is a ContentError that
        names the template file and line, never a traceback."""
        from jinja2 import TemplateError

        try:
            return self.env.get_template(name).render(**context)
        except TemplateError as exc:
            raise self._reported(exc, name) from None
        except UnicodeDecodeError:
            raise self._undecodable(name) from None
        except Exception as exc:  # e.g. {{ 1 // 0 }}: the template's fault when it failed there
            if not _raised_by_template_code(exc):
                raise
            raise self._reported(exc, name) from None

    def load_all(self) -> None:
        """Load (compile) every template of the theme now, before work is forked: the workers
        then share them instead of each compiling its own (~40 ms each, with Jinja2's import).
        A broken one is reported as :meth:`render` would."""
        from jinja2 import TemplateError

        for template in sorted(BUILT_IN_TEMPLATES.glob("*.html")):
            try:
                self.env.get_template(template.name)
            except TemplateError as exc:
                raise self._reported(exc, template.name) from None
            except UnicodeDecodeError:
                raise self._undecodable(template.name) from None

    def _reported(self, exc: Exception, name: str) -> ContentError:
        from jinja2 import TemplateError, TemplateSyntaxError

        if isinstance(exc, TemplateSyntaxError):
            where = self._location(exc.filename or name, exc.lineno)
        else:
            where = self._failing_line(exc, name)
        message = exc.message if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
        return ContentError(error(where, f"template error: {message}"))

    def _undecodable(self, name: str) -> ContentError:
        """A template Jinja2 could not read as UTF-8 (``name`` or one it includes): the first
        such file of the theme, at its first undecodable byte."""
        for folder in self.template_dirs:
            for _, path in _files_below(folder):
                data = path.read_bytes()
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError as bad:
                    start = data.rfind(b"\n", 0, bad.start) + 1
                    line = data.count(b"\n", 0, bad.start) + 1
                    col = len(data[start : bad.start].decode("utf-8", "replace")) + 1
                    where = self._location(str(path), line)
                    message = "template is not UTF-8 text: save it as UTF-8"
                    return ContentError(error(Location(where.path, line, col), message))
        return ContentError(error(self._location(name, 1), "template is not UTF-8 text"))

    def retired_overrides(self) -> list[Diagnostic]:
        """A warning at each override of a template no longer used: it would be ignored silently."""
        folder = self.template_dirs[0]
        return [
            warning(
                Location((folder / name).relative_to(self.site_root).as_posix()),
                f"{name} is no longer used: {instead}",
            )
            for name, instead in RETIRED_TEMPLATES.items()
            if (folder / name).is_file()
        ]

    def _failing_line(self, exc: BaseException, name: str) -> Location:
        """The innermost template frame of the traceback (Jinja2 maps it to template lines)."""
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if frame.filename.endswith(".html")
        ]
        if not frames:
            return self._location(name, 1)
        return self._location(frames[-1].filename, frames[-1].lineno or 1)

    def _location(self, filename: str, line: int) -> Location:
        path = Path(filename)
        for folder in self.template_dirs:
            if path.is_relative_to(folder):
                base = self.site_root if folder != BUILT_IN_TEMPLATES else PACKAGE_DIR
                return Location(path.relative_to(base).as_posix(), line)
        return Location(filename, line)

    def _static_files(self) -> Mapping[str, Path]:
        files: dict[str, Path] = {}
        for folder in reversed(self.static_dirs):
            if folder.is_dir():
                files.update({p.name: p for p in sorted(folder.iterdir()) if p.is_file()})
        return files

    def _version(self) -> str:
        digest = hashlib.blake2b(polyfolio.__version__.encode(), digest_size=16)
        sources = [(path.name, path) for path in sorted(PACKAGE_DIR.glob("*.py"))]
        for folder in self.template_dirs:
            sources += _files_below(folder)  # templates may sit in subfolders ("partials/x.html")
        sources += self.static_files.items()
        for name, path in sources:
            digest.update(name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


def _files_below(folder: Path) -> list[tuple[str, Path]]:
    """Every file under ``folder``, symlinked folders followed as the build's freshness check
    follows them (Jinja2 opens them all the same), named by its path from ``folder``."""
    paths = (Path(path) for path in tree(str(folder), follow=True))
    return sorted((path.relative_to(folder).as_posix(), path) for path in paths if path.is_file())


def _raised_by_template_code(exc: BaseException) -> bool:
    """Whether the error was raised in a template's own code or in Jinja2's (a filter given the
    wrong type, say), not in polyfolio's: a bug of ours stays an internal error."""
    frames = traceback.extract_tb(exc.__traceback__)
    innermost = frames[-1].filename if frames else ""
    return innermost.endswith(".html") or f"{os.sep}jinja2{os.sep}" in innermost
