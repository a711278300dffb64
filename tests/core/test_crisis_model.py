"""The learned model's fast verdict against its reference scores."""

from __future__ import annotations

import pytest

from bot.core.crisis_screen import verdicts
from bot.core.crisis_screen.model import HEADS, load_model, scores
from bot.core.crisis_screen.rules import listed, prepare
from bot.core.crisis_screen.verdicts import verdict

MESSAGES = [
    "had a long day at work, feeling a bit flat",
    "I want to kill myself tonight",
    "my friend just took a bunch of pills what do i do",
    "he said he would hurt me if i told anyone",
    "my sister is on the roof and says she will jump",
    "i gave my guitar to my brother, wont need it",
    "i i i i i the the the work work work work",
]


def reference(text: str) -> dict[str, bool]:
    """Every head decided from the reference scores."""
    prepared = prepare(text)
    found = scores(prepared, listed(prepared).signals())
    thresholds = load_model().thresholds
    return {head: p >= t for head, p, t in zip(HEADS, found, thresholds, strict=True)}


@pytest.mark.parametrize("text", MESSAGES)
def test_fast_verdict_agrees_with_the_reference_scores(text: str) -> None:
    prepared = prepare(text)
    assert verdict(prepared, listed(prepared).signals()) == reference(text)


@pytest.mark.parametrize("text", MESSAGES)
def test_a_close_call_falls_back_to_the_reference_scores(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verdicts, "_MARGIN", 2.0)
    prepared = prepare(text)
    assert verdict(prepared, listed(prepared).signals()) == reference(text)


@pytest.mark.parametrize("text", MESSAGES)
def test_other_heads_are_weighed_only_after_the_crisis_head(text: str) -> None:
    prepared = prepare(text)
    heads = verdict(prepared, listed(prepared).signals(), every_head=False)
    expected = reference(text)
    assert heads == (expected if expected["crisis"] else dict.fromkeys(HEADS, False))
