"""``polyfolio new``: write the bundled example clinic site as a starting point."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from polyfolio.diagnostics import ContentError, Location, error

EXAMPLE = "clinic"


def example_root() -> Path:
    return Path(str(resources.files("polyfolio") / "examples" / EXAMPLE))


def write_example(directory: Path) -> int:
    """Copy the example site into ``directory`` (which must be absent or empty)."""
    if directory.exists() and not directory.is_dir():
        raise ContentError(error(Location(str(directory)), "exists and is not a folder"))
    if directory.exists() and any(directory.iterdir()):
        raise ContentError(
            error(Location(str(directory)), "folder is not empty; polyfolio new writes a new site")
        )
    source = example_root()
    shutil.copytree(source, directory, dirs_exist_ok=True, ignore=_generated)
    return sum(1 for path in directory.rglob("*") if path.is_file())


BUILD_OUTPUT = frozenset({"_site", ".polyfolio-cache"})
RUN_STATE = frozenset({"cache", "translate.lock"})  # inside .polyfolio/
GENERATED = BUILD_OUTPUT | RUN_STATE


def _generated(folder: str, names: list[str]) -> set[str]:
    # Builds and runs on the bundled example (tests, `polyfolio build examples/clinic`) leave
    # output, caches and a lock beside its content; a new site starts without them.  The
    # translation memory in .polyfolio/ is content: it lets the first edit be aligned.
    skip = {name for name in names if name in BUILD_OUTPUT}
    if Path(folder).name == ".polyfolio":
        skip |= {name for name in names if name in RUN_STATE or name.endswith("-journal")}
    return skip
