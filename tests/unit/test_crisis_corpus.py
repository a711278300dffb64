"""The crisis screen against the held-out test split of the labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.crisis_screen import screen_text

CORPUS = Path(__file__).resolve().parents[1] / "data" / "crisis_corpus"
MIN_RECALL = 0.95
MAX_FALSE_POSITIVES = 0.10


def _test_split(name: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{name}.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not there yet")
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [row for row in rows if row["split"] == "test"]


def test_recall_on_crisis_messages() -> None:
    items = _test_split("crisis")
    caught = sum(bool(screen_text(item["text"])) for item in items)
    assert caught / len(items) >= MIN_RECALL


def test_false_positives_on_safe_messages() -> None:
    items = _test_split("safe")
    fired = sum(bool(screen_text(item["text"])) for item in items)
    assert fired / len(items) <= MAX_FALSE_POSITIVES


def test_urgent_messages_are_screened_at_least_as_concern() -> None:
    urgent = [item for item in _test_split("crisis") if item["level"] == "urgent"]
    missed = sum(not screen_text(item["text"]) for item in urgent)
    assert missed == 0, f"{missed} of {len(urgent)} urgent test messages not screened"
