"""The rule that offers one fitting practice after a check-in or a break."""

from __future__ import annotations

import pytest

from bot.core.suggestions import Suggestion, suggest_practice


def _suggest(
    *tags: str, mood: int | None = 3, low: bool = True, hour: int = 10, after_break: bool = False
) -> Suggestion | None:
    return suggest_practice(tags=tags, mood=mood, low=low, local_hour=hour, after_break=after_break)


@pytest.mark.parametrize("tag", ["self_critical", "ashamed"])
def test_the_inner_critic_for_self_criticism_and_shame(tag: str) -> None:
    assert _suggest(tag) == Suggestion.CRITIC
    assert _suggest(tag, "anxious", "stressed") == Suggestion.CRITIC  # the most specific wins


@pytest.mark.parametrize("tag", ["anxious", "overwhelmed"])
def test_soothing_for_anxiety_and_overwhelm(tag: str) -> None:
    assert _suggest(tag) == Suggestion.SOOTHE
    assert _suggest(tag, "stressed", low=False, mood=7) == Suggestion.SOOTHE


def test_a_break_when_stressed_or_low() -> None:
    assert _suggest("stressed", low=False, mood=6) == Suggestion.BREAK
    assert _suggest() == Suggestion.BREAK
    assert _suggest("sad", "tired") == Suggestion.BREAK


def test_never_a_break_straight_after_a_break() -> None:
    assert _suggest(after_break=True) == Suggestion.SOOTHE
    assert _suggest("stressed", low=False, mood=6, after_break=True) is None


def test_gratitude_on_a_calm_evening_only() -> None:
    assert _suggest("calm", low=False, mood=7, hour=19) == Suggestion.GRATITUDE
    assert _suggest(low=False, mood=8, hour=21, after_break=True) == Suggestion.GRATITUDE
    assert _suggest("calm", low=False, mood=7, hour=9) is None  # morning: nothing
    assert _suggest("lonely", low=False, mood=7, hour=19) is None  # not calm
    assert _suggest(low=False, mood=5, hour=19) is None
    assert _suggest(low=False, mood=None, hour=19) is None


def test_nothing_when_nothing_fits() -> None:
    assert _suggest("tired", low=False, mood=5) is None
