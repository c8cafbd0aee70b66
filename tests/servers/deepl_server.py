"""A DeepL-compatible server: ``/v2/translate``, ``/v2/glossaries`` and ``/v2/usage``.

Texts are translated with :attr:`FakeDeepL.translate`; a request naming a glossary gets its
entries applied (source term replaced by target term, ignoring case) so tests can see it was used.
:attr:`FakeDeepL.shape` may drop or add results, as a broken server would.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from servers import behaviours
from servers.base import FakeServer, Recorded, Reply, error


class FakeDeepL(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.translate: behaviours.Translator = behaviours.upper
        self.shape: behaviours.Shaper = behaviours.as_json
        self.latency = 0.0
        self.auth_key: str | None = None  # when set, other keys get a 403 that echoes them
        self.glossaries: dict[str, dict[str, Any]] = {}
        self.glossaries_supported = True  # False: creating one fails as for an unsupported pair

    @property
    def server_url(self) -> str:
        return self.origin

    def segments_of(self, method: str, path: str, body: bytes) -> tuple[tuple[str, str], ...]:
        if urlsplit(path).path != "/v2/translate":
            return ()
        return tuple((str(i), text) for i, text in enumerate(json.loads(body)["text"]))

    def answer(self, request: Recorded) -> Reply:
        sent = request.header("Authorization")
        if self.auth_key is not None and sent != f"DeepL-Auth-Key {self.auth_key}":
            return Reply.json({"message": f"Wrong key {sent}"}, 403)
        route = (request.method, urlsplit(request.path).path)
        if route == ("POST", "/v2/translate"):
            return self._translate(request)
        if route == ("GET", "/v2/glossaries"):
            return Reply.json({"glossaries": [self._info(g) for g in self.glossaries.values()]})
        if route == ("POST", "/v2/glossaries"):
            return self._create_glossary(request.json)
        if route == ("GET", "/v2/usage"):
            return Reply.json({"character_count": self.sent_characters(), "character_limit": 10**6})
        return error(404, message=f"no route {request.method} {request.path}")

    def _translate(self, request: Recorded) -> Reply:
        body = request.json
        glossary = self.glossaries.get(body.get("glossary_id") or "")
        if body.get("glossary_id") and glossary is None:
            return Reply.json({"message": "Glossary not found"}, 404)
        items = []
        for id_, text in request.segments:
            translated = self.translate(text)
            for source, target in (glossary or {}).get("entries", {}).items():
                translated = re.sub(re.escape(source), target, translated, flags=re.IGNORECASE)
            items.append({"id": id_, "text": translated})
        shaped = json.loads(self.shape(items))["translations"]
        results = [
            {"detected_source_language": "EN", "text": item["text"], "billed_characters": 1}
            for item in shaped
        ]
        reply = Reply.json({"translations": results})
        return Reply(reply.status, reply.body, reply.headers, hang=self.latency)

    def _create_glossary(self, body: dict[str, Any]) -> Reply:
        if not self.glossaries_supported:
            return Reply.json({"message": "Unsupported glossary language pair"}, 400)
        if body.get("entries_format") != "tsv":
            return Reply.json({"message": "entries_format must be tsv"}, 400)
        entries = dict(line.split("\t", 1) for line in body["entries"].splitlines() if line)
        glossary_id = f"gls-{len(self.glossaries) + 1}"
        self.glossaries[glossary_id] = {
            "glossary_id": glossary_id,
            "name": body["name"],
            "source_lang": body["source_lang"].lower(),
            "target_lang": body["target_lang"].lower(),
            "entries": entries,
        }
        return Reply.json(self._info(self.glossaries[glossary_id]), 201)

    def _info(self, glossary: dict[str, Any]) -> dict[str, Any]:
        return {
            "glossary_id": glossary["glossary_id"],
            "name": glossary["name"],
            "ready": True,
            "source_lang": glossary["source_lang"],
            "target_lang": glossary["target_lang"],
            "creation_time": "2026-01-01T00:00:00.000000Z",
            "entry_count": len(glossary["entries"]),
        }
