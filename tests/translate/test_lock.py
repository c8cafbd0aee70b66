"""One translate run per site: a second process is refused at once, a killed one frees it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from polyfolio.diagnostics import ContentError
from polyfolio.translate.lock import run_lock

_HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from polyfolio.translate.lock import run_lock

    with run_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.read()  # hold until the test closes our stdin (or kills us)
    """
)


def _hold(site: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(site)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_a_second_run_is_refused_while_another_holds_the_lock(tmp_path: Path) -> None:
    holder = _hold(tmp_path)
    try:
        refused = pytest.raises(ContentError, match="another 'polyfolio translate' is running")
        with refused, run_lock(tmp_path):
            pass
    finally:
        holder.communicate("")
    assert holder.returncode == 0
    with run_lock(tmp_path):
        pass  # free again once the holder finished


def test_a_killed_run_leaves_no_stale_lock(tmp_path: Path) -> None:
    holder = _hold(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.communicate()
    with run_lock(tmp_path):
        pass


def test_the_lock_is_one_per_site(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with run_lock(tmp_path / "a"), run_lock(tmp_path / "b"):
        pass
