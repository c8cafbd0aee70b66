"""The ``polyfolio`` command: thin wrappers over library calls.

``main(argv) -> int`` never lets a traceback reach the user: content problems print as
``path:line:col: level: message`` and exit 1, usage errors exit 2.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Sequence
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import NoReturn

import click

from polyfolio import collector
from polyfolio.diagnostics import ContentError, Diagnostic

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_SITE = click.argument(
    "site",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=".",
    required=False,
)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except click.Abort:
        click.echo("polyfolio: interrupted", err=True)
        return 130
    except ContentError as exc:
        click.echo(str(exc.diagnostic), err=True)
        return EXIT_FAILED
    except KeyboardInterrupt:
        click.echo("polyfolio: interrupted", err=True)
        return 130
    except Exception as exc:  # the user gets a message, never a traceback
        if os.environ.get("POLYFOLIO_DEBUG"):
            raise
        click.echo(f"polyfolio: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("(set POLYFOLIO_DEBUG=1 to see the traceback)", err=True)
        return EXIT_FAILED
    return int(result or EXIT_OK)


def run() -> NoReturn:
    """The ``polyfolio`` command: :func:`main`, then :func:`exit_now`."""
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without freeing its objects one by one, which costs a
    build of thousands of items ~30 ms after its work is done.  Exit handlers still run and
    output is flushed, as at a normal exit; with another thread running (which a normal exit
    would wait for) it is a normal exit."""
    import atexit
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # the reader went away: what CPython's own exit returns
        code = code or 120
    os._exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="polyfolio")
def cli() -> None:
    """Multilingual portfolio sites: translate, build, serve and check."""


def print_diagnostics(diagnostics: Sequence[Diagnostic], limit: int = 200) -> None:
    for diagnostic in diagnostics[:limit]:
        click.echo(str(diagnostic), err=True)
    if len(diagnostics) > limit:
        click.echo(f"... and {len(diagnostics) - limit} more", err=True)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
def new(directory: Path) -> int:
    """Write a ready example site to DIRECTORY."""
    from polyfolio.scaffold import write_example

    written = write_example(directory)
    click.echo(f"wrote {written} files to {directory}")
    click.echo(f"next: polyfolio build {directory}   or   polyfolio serve {directory}")
    return EXIT_OK


@cli.command()
@_SITE
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--check", is_flag=True, help="Exit 1 unless every translation is current.")
def status(site: Path, as_json: bool, check: bool) -> int:
    """Translation state of every item in every language."""
    from polyfolio.content.site import load_site
    from polyfolio.translate.status import State, site_status, summary, with_changed_counts

    loaded = load_site(site)
    print_diagnostics([d for d in loaded.problems if d.is_error])
    entries = with_changed_counts(loaded, site_status(loaded))
    if as_json:
        click.echo(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=1))
    else:
        from polyfolio.translate.status_view import print_status_table

        print_status_table(entries)
    if check and any(e.state is not State.CURRENT for e in entries):
        counts = summary(entries)
        if not as_json:
            click.echo(f"not all current: {counts[State.CURRENT]}/{len(entries)}", err=True)
        return EXIT_FAILED
    return EXIT_OK


@cli.command()
@_SITE
def check(site: Path) -> int:
    """Lint content; exit 1 on errors."""
    from polyfolio.check import check_site
    from polyfolio.content.site import load_site

    diagnostics = check_site(load_site(site))
    print_diagnostics(diagnostics, limit=1000)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    return EXIT_FAILED if errors else EXIT_OK


# What a build imports, a module a step: taken while a second process lists the collection to
# check whether the last build still stands (on a big site), left off as soon as it answers.
# (Only a matter of speed: whatever a build needs and is not imported here is imported then.)
_BUILD_IMPORTS = (
    "yaml",
    "polyfolio.content.site",
    "polyfolio.site.build",
    "polyfolio.site.produce",
    "jinja2",
    "polyfolio.site.markdown",
)


def _import_ahead(name: str) -> None:
    """Import a module the build may need.  One that fails to import is left to fail where the
    build imports it, with its own message: a build that is not needed must not fail on it."""
    with contextlib.suppress(Exception):
        import_module(name)


@cli.command()
@_SITE
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
def build(site: Path, out: Path | None) -> int:
    """Build the static site (default SITE/_site)."""
    # The build itself is imported only when something changed (~0.1 s of imports), and the
    # imports are not collected (the build collects as it sees fit).
    with collector.uncollected():
        from polyfolio.site.freshness import Watch
        from polyfolio.site.result import DEFAULT_OUT

        root = site.resolve()
        watch = Watch(root, out or root / DEFAULT_OUT)
        result = watch.reuse(meanwhile=[partial(_import_ahead, n) for n in _BUILD_IMPORTS])
        if result is None:
            from polyfolio.site.build import build_site
            from polyfolio.site.output import OutputRefused
    if result is None:
        try:
            result = build_site(site, out, watch)
        except OutputRefused as exc:
            click.echo(f"polyfolio: error: {exc}", err=True)
            return EXIT_FAILED
    print_diagnostics(result.diagnostics, limit=1000)
    errors = len(result.errors)
    images = result.images_made + result.images_reused
    click.echo(
        f"built {result.pages} pages, {images} images ({result.images_reused} reused), "
        f"{result.written} files written, {result.unchanged} unchanged, "
        f"{len(result.deleted)} removed in {_duration(result.seconds)} -> {result.out}"
        + (f"; {errors} error(s)" if errors else "")
    )
    return EXIT_FAILED if errors else EXIT_OK


@cli.command()
@_SITE
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback shares the preview with the network.",
)
def serve(site: Path, port: int, host: str) -> int:
    """Build, serve on localhost, rebuild and reload on change."""
    from polyfolio.site.preview import serve_site

    try:
        serve_site(site, host, port, click.echo, lambda line: click.echo(line, err=True))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return EXIT_OK


@cli.command()
@_SITE
@click.option("--to", "languages", multiple=True, help="Target language (repeatable).")
@click.option("--engine", help="Engine name, overriding polyfolio.translate.engine.")
@click.option("--dry-run", is_flag=True, help="Say what would be sent, send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan or the outcome as JSON.")
@click.option(
    "--force", is_flag=True, help="Retranslate stale files whose earlier source is unknown."
)
@click.option("--accept", is_flag=True, help="Mark existing translations current, text unchanged.")
def translate(
    site: Path,
    languages: tuple[str, ...],
    engine: str | None,
    dry_run: bool,
    as_json: bool,
    force: bool,
    accept: bool,
) -> int:
    """Bring translations up to date."""
    from polyfolio.translate.engines import EngineNotConfigured
    from polyfolio.translate.plan import UnknownLanguage
    from polyfolio.translate.report import print_accepted, print_outcome, print_plan

    if accept and (dry_run or force or engine):
        raise click.UsageError(
            "--accept changes no text: it takes no --dry-run, --force or --engine"
        )
    try:
        if accept:
            from polyfolio.translate.accept import accept_translations

            accepted = accept_translations(site, languages)
            print_diagnostics(accepted.diagnostics)
            print_accepted(accepted, as_json=as_json)
            return EXIT_FAILED if accepted.failed else EXIT_OK
        from polyfolio.translate.run import TranslateOptions, translate_site

        options = TranslateOptions(languages, engine, dry_run, force, progress=not as_json)
        report = translate_site(site, options)
    except (EngineNotConfigured, UnknownLanguage) as exc:
        raise click.UsageError(str(exc)) from None
    print_diagnostics(report.diagnostics)
    if dry_run:
        print_plan(report.plan, as_json=as_json)
    else:
        print_outcome(report, as_json=as_json)
    return EXIT_FAILED if report.failed else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def _duration(seconds: float) -> str:
    """``1.23s``, or ``4ms`` when a rounded ``0.00s`` would look like nothing happened."""
    return f"{seconds:.2f}s" if seconds >= 0.1 else f"{seconds * 1000:.0f}ms"
