"""Runs killed with SIGKILL, runs at the same time, and keys that must never leak."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from servers.openai_server import FakeOpenAI

from polyfolio.cli import main
from polyfolio.content.document import parse_document
from polyfolio.translate.memory import Pair, TranslationMemory
from tests.translate.sitekit import (
    FAKE_KEY,
    cli_command,
    cli_env,
    is_current,
    make_site,
    run,
    run_subprocess,
    targets,
)

# 12 items of 10 distinct paragraphs and a title: 132 segments, 4 batches of at most 40
ITEMS = {
    f"item{n:02d}": (
        f"Treatment number {n}",
        [f"Paragraph {p} of treatment {n} explains one more careful step." for p in range(10)],
    )
    for n in range(12)
}
LATENCY = 0.4  # seconds per request, so a kill lands mid-run


def _start(site: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command("translate", site),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_requests(server: FakeOpenAI, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while len(server.translation_requests()) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the server"
        time.sleep(0.01)


@pytest.fixture
def reference(
    fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, bytes]:
    """What a run that is never interrupted writes, from the same engine."""
    site = make_site(tmp_path / "reference", fake_openai.base_url, ITEMS)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    assert main(["translate", str(site)]) == 0
    fake_openai.requests.clear()
    return targets(site)


@pytest.mark.parametrize(
    ("stop", "after_requests"),
    [(signal.SIGKILL, 1), (signal.SIGKILL, 2), (signal.SIGKILL, 3), (signal.SIGINT, 2)],
    ids=["kill-1", "kill-2", "kill-3", "ctrl-c-2"],
)
def test_an_interrupted_run_leaves_no_torn_file_and_the_rerun_sends_only_the_rest(
    fake_openai: FakeOpenAI,
    tmp_path: Path,
    reference: dict[str, bytes],
    stop: signal.Signals,
    after_requests: int,
) -> None:  # the reference fixture set OPENAI_API_KEY for in-process runs too
    site = make_site(tmp_path / "site", fake_openai.base_url, ITEMS, concurrency=1)
    fake_openai.latency = LATENCY
    process = _start(site)
    _wait_for_requests(fake_openai, after_requests, process)
    time.sleep(LATENCY * 0.5 * (after_requests % 2))  # sometimes mid-request, sometimes not
    process.send_signal(stop)
    _, err = process.communicate()
    if stop is signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert (process.returncode, err.strip()) == (130, "polyfolio: interrupted")

    written = targets(site)
    for rel, data in written.items():  # every target is absent or complete
        assert data == reference[rel], rel
        parse_document(rel, data)
    assert len(written) < len(reference), "the kill came too late to test anything"
    with TranslationMemory.open(site) as memory:
        assert memory.integrity_ok()
        pair = Pair("en", "el", "openai:fake-model:prompt-1")
        done = {
            text
            for _, (title, paragraphs) in ITEMS.items()
            for text in (title, *paragraphs)
            if memory.lookup(text, pair) is not None
        }

    fake_openai.latency = 0.0
    fake_openai.requests.clear()
    assert main(["translate", str(site)]) == 0
    resent = {text for _, text in fake_openai.sent_segments()}
    assert not resent & done
    assert len(resent) + len(done) == sum(1 + len(p) for _, p in ITEMS.values())
    assert targets(site) == reference


def test_a_second_run_at_the_same_time_is_refused(
    fake_openai: FakeOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site(tmp_path / "site", fake_openai.base_url, ITEMS, concurrency=1)
    fake_openai.latency = 1.0
    first = _start(site)
    try:
        _wait_for_requests(fake_openai, 1, first)
        monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
        second = run(capsys, "translate", site)
        assert second.code == 1
        assert "another 'polyfolio translate' is running" in second.err
        assert len(fake_openai.translation_requests()) <= 2  # the second sent nothing
    finally:
        fake_openai.latency = 0.0
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert all(is_current(site, rel) for rel in targets(site))
    assert len(targets(site)) == len(ITEMS)


def _everything_written(site: Path) -> list[tuple[str, bytes]]:
    return [
        (path.relative_to(site).as_posix(), path.read_bytes())
        for path in sorted(site.rglob("*"))
        if path.is_file()
    ]


@pytest.mark.parametrize("server_key", [FAKE_KEY, "sk-the-right-one"], ids=["accepted", "refused"])
def test_the_api_key_never_appears_in_output_memory_or_files(
    fake_openai: FakeOpenAI, tmp_path: Path, server_key: str
) -> None:
    """A refused key is echoed by the server (as real ones do); it must go no further."""
    fake_openai.api_key = server_key
    site = make_site(tmp_path / "site", fake_openai.base_url)
    outcome = run_subprocess("translate", site)
    dry = run_subprocess("translate", site, "--dry-run", "--json")
    assert outcome.code == (0 if server_key == FAKE_KEY else 1), outcome.err
    assert any(FAKE_KEY in value for _, value in fake_openai.all_headers())  # it was used
    for text in (outcome.out, outcome.err, dry.out, dry.err):
        assert FAKE_KEY not in text
        assert FAKE_KEY[-12:] not in text
    for rel, data in _everything_written(site):
        assert FAKE_KEY.encode() not in data, rel
        assert FAKE_KEY[-12:].encode() not in data, rel
