"""Which one practice to offer next, after a check-in or at the end of a break (pure rules)."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum


class Suggestion(StrEnum):
    """A next step that can be offered (always with a "no thanks" beside it)."""

    BREAK = "break"
    CRITIC = "critic"
    SOOTHE = "soothe"
    GRATITUDE = "gratitude"


CRITICAL_TAGS = frozenset({"self_critical", "ashamed"})
RESTLESS_TAGS = frozenset({"anxious", "overwhelmed"})
STRESSED_TAGS = frozenset({"stressed"})
HARD_TAGS = CRITICAL_TAGS | RESTLESS_TAGS | STRESSED_TAGS | {"sad", "angry", "lonely"}
EVENING = range(17, 23)  # local hours counted as a calmer evening
CALM_MOOD = 6  # a rating from here up counts as calm


def suggest_practice(
    *,
    tags: Collection[str],
    mood: int | None,
    low: bool,
    local_hour: int,
    after_break: bool = False,
) -> Suggestion | None:
    """The one practice that fits, or None: offering nothing is a fine answer.

    The inner critic when they called themselves self-critical or ashamed; soothing when
    anxious or overwhelmed; a break when stressed or low (never straight after one);
    gratitude on a calm evening.
    """
    chosen = set(tags)
    if chosen & CRITICAL_TAGS:
        return Suggestion.CRITIC
    if chosen & RESTLESS_TAGS:
        return Suggestion.SOOTHE
    if (chosen & STRESSED_TAGS or low) and not after_break:
        return Suggestion.BREAK
    if low:
        return Suggestion.SOOTHE
    calm = mood is not None and mood >= CALM_MOOD and not chosen & HARD_TAGS
    if calm and local_hour in EVENING:
        return Suggestion.GRATITUDE
    return None
