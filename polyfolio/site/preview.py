"""``polyfolio serve``: the site builder handed to the dev server, which knows nothing of sites.

The build goes into a temporary folder (never the user's ``_site``), and the server watches the
site folder, less its caches and a ``polyfolio build`` output (and its staging folder).
"""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from polyfolio.content.config import load_config
from polyfolio.diagnostics import ContentError
from polyfolio.serve import BuildOutcome, DevServer
from polyfolio.site.build import build_site
from polyfolio.site.staging import is_staging

_NOT_SOURCES = (".polyfolio", "_site")


def site_builder(root: Path, out: Path) -> Callable[[], BuildOutcome]:
    """A builder callable for the dev server: build, and say how it went as plain messages."""

    def builder() -> BuildOutcome:
        started = time.perf_counter()
        try:
            diagnostics = list(build_site(root, out).diagnostics)
        except ContentError as exc:
            diagnostics = [exc.diagnostic]
        ok = not any(d.is_error for d in diagnostics)
        return BuildOutcome(ok, [str(d) for d in diagnostics], time.perf_counter() - started)

    return builder


def not_sources(root: Path) -> Callable[[Path], bool]:
    """What under the site folder is no source: a change there is no reason to rebuild."""

    def ignore(path: Path) -> bool:
        top = path.relative_to(root).parts[:1] if path.is_relative_to(root) else ()
        return any(name in _NOT_SOURCES or is_staging(name) for name in top)

    return ignore


def serve_site(
    site: Path,
    host: str,
    port: int,
    say: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    """Build, serve and rebuild on change until Ctrl-C or SIGTERM; ``say`` gets the URL line
    (scripts read it from stdout), ``warn`` everything else.

    Raises OSError when the address cannot be bound, ContentError for a broken _config.yml.
    """
    root = site.resolve()
    baseurl = load_config(root).baseurl

    with tempfile.TemporaryDirectory(prefix="polyfolio-serve-") as tmp:
        out = Path(tmp)
        server = DevServer(
            out,
            site_builder(root, out),
            [root],
            host,
            port,
            not_sources(root),
            base_path=baseurl or "/",
        )
        server.start()
        with contextlib.suppress(ValueError):
            if not ipaddress.ip_address(host).is_loopback:
                warn(f"warning: {host} shares this preview with the network")
        say(f"serving {site} at {server.url}  (Ctrl-C to stop)")
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C
        try:
            server.wait()
        except KeyboardInterrupt:
            warn("stopped")
        finally:
            server.stop()
            signal.signal(signal.SIGTERM, previous)
