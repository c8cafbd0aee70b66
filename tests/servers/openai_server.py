"""An OpenAI-compatible chat completions server (``POST /v1/chat/completions``).

It reads the segments the engine put in the last user message (``{"segments": [{"id", "text"}]}``),
translates each with :attr:`FakeOpenAI.translate`, and answers with
:attr:`FakeOpenAI.shape` of the items as the assistant's message content.
"""

from __future__ import annotations

import json
from typing import Any

from servers import behaviours
from servers.base import FakeServer, Recorded, Reply, error


class FakeOpenAI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.translate: behaviours.Translator = behaviours.upper
        self.shape: behaviours.Shaper = behaviours.as_json
        self.latency = 0.0
        self.finish_reason = "stop"
        self.api_key: str | None = None  # when set, other keys get a 401 that echoes them
        self.json_mode = True  # False: refuse response_format with a 400, as some servers do

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def segments_of(self, method: str, path: str, body: bytes) -> tuple[tuple[str, str], ...]:
        if not path.endswith("/chat/completions"):
            return ()
        messages = json.loads(body)["messages"]
        user = [m for m in messages if m.get("role") == "user"][-1]
        payload = json.loads(user["content"])
        return tuple((str(s["id"]), str(s["text"])) for s in payload["segments"])

    def system_prompt(self, request: Recorded) -> str:
        messages = request.json["messages"]
        return "\n".join(m["content"] for m in messages if m.get("role") == "system")

    def answer(self, request: Recorded) -> Reply:
        if request.method != "POST" or not request.path.endswith("/v1/chat/completions"):
            return error(404, message=f"no route {request.method} {request.path}")
        sent = request.header("Authorization")
        if self.api_key is not None and sent != f"Bearer {self.api_key}":
            # Real servers echo (part of) a wrong key; the engine must not pass it on.
            return error(401, message=f"Incorrect API key provided: {sent.removeprefix('Bearer ')}")
        if not self.json_mode and "response_format" in request.json:
            return error(400, message="response_format is not supported by this server")
        if not request.segments:
            return error(400, message="no segments in the request")
        items = [{"id": id_, "text": self.translate(text)} for id_, text in request.segments]
        reply = Reply.json(self._completion(request.json.get("model", ""), self.shape(items)))
        return Reply(reply.status, reply.body, reply.headers, hang=self.latency)

    def _completion(self, model: str, content: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": self.finish_reason,
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
