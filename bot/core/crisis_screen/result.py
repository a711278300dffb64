"""The screen's verdict: a level and the categories that matched."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

URGENT_CATEGORIES = frozenset({"attempt", "danger_from_others", "someone_else_now"})
FROM_OTHERS_CATEGORIES = frozenset({"danger_from_others", "abuse"})
# what the learned model alone reports, when no listed wording names a kind of danger
INDIRECT = "indirect"


class Level(StrEnum):
    """How soon someone should be offered help."""

    NONE = "none"
    CONCERN = "concern"
    URGENT = "urgent"


@dataclass(frozen=True)
class Screen:
    """What the screen found in one message (never the text itself)."""

    level: Level
    categories: frozenset[str]

    def __bool__(self) -> bool:
        """Whether anything matched."""
        return self.level is not Level.NONE

    @property
    def from_others(self) -> bool:
        """Whether the danger comes from another person (abuse, threats, stalking, assault)."""
        return bool(self.categories & FROM_OTHERS_CATEGORIES)

    @property
    def indirect(self) -> bool:
        """Whether only the learned model saw signs of danger, in no listed wording."""
        return self.categories == {INDIRECT}


def screen_of(categories: frozenset[str]) -> Screen:
    """The screen for a set of matched categories."""
    if not categories:
        return Screen(Level.NONE, categories)
    level = Level.URGENT if categories & URGENT_CATEGORIES else Level.CONCERN
    return Screen(level, categories)
