from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from polyfolio.translate.engines.base import EngineError
from polyfolio.translate.engines.llmreply import parse_translations

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "fixtures" / "translate" / "llm_replies.yml").read_text(
        encoding="utf-8"
    )
)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_model_answers_are_read_defensively(case: dict[str, Any]) -> None:
    if case.get("error"):
        with pytest.raises(EngineError) as caught:
            parse_translations(case["content"], set(case["ids"]))
        assert caught.value.retryable
    else:
        assert parse_translations(case["content"], set(case["ids"])) == case["found"]
