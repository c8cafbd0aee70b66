"""The fake engine servers themselves: what they record and that they answer in parallel."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from servers.base import error
from servers.deepl_server import FakeDeepL
from servers.openai_server import FakeOpenAI


def chat(server: FakeOpenAI, texts: list[str]) -> httpx.Response:
    segments = [{"id": str(i), "text": text} for i, text in enumerate(texts)]
    user = json.dumps({"segments": segments})
    body = {"model": "m", "messages": [{"role": "user", "content": user}]}
    return httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=10)


def test_openai_server_records_segments_and_characters(fake_openai: FakeOpenAI) -> None:
    answer = chat(fake_openai, ["Hello <x1/> world", "Bye"])
    content = json.loads(answer.json()["choices"][0]["message"]["content"])
    assert content == {
        "translations": [{"id": "0", "text": "HELLO <x1/> WORLD"}, {"id": "1", "text": "BYE"}]
    }
    assert fake_openai.sent_segments() == [("0", "Hello <x1/> world"), ("1", "Bye")]
    assert fake_openai.sent_characters() == len("Hello <x1/> world") + len("Bye")


def test_faults_are_served_in_order_then_normal_answers(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next(error(429, retry_after=2), error(503))
    statuses = [chat(fake_openai, ["a"]) for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 503, 200]
    assert statuses[0].headers["Retry-After"] == "2"
    assert len(fake_openai.requests) == 3


def test_servers_answer_requests_in_parallel(fake_openai: FakeOpenAI) -> None:
    fake_openai.latency = 0.5
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: chat(fake_openai, ["a"]), range(4)))
    assert all(answer.status_code == 200 for answer in answers)
    assert fake_openai.max_in_flight >= 2
    # A handler thread counts itself out just after its answer is sent: let the last ones finish.
    deadline = time.monotonic() + 5
    while fake_openai.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_openai.in_flight == 0


def test_deepl_server_speaks_the_routes_the_client_uses(fake_deepl: FakeDeepL) -> None:
    headers = {"Authorization": "DeepL-Auth-Key k"}
    usage = httpx.get(f"{fake_deepl.server_url}/v2/usage", headers=headers)
    assert usage.json()["character_limit"] > 0
    assert httpx.get(f"{fake_deepl.server_url}/v2/glossaries").json() == {"glossaries": []}
    missing = httpx.post(f"{fake_deepl.server_url}/v2/nowhere", json={})
    assert missing.status_code == 404
