"""What mood statistics are computed from: ratings, breaks and practices as plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.schedule import require_aware

MIN_RATING = 0
MAX_RATING = 10
RATING_KINDS = frozenset({"checkin", "break_before", "break_after", "quick"})


@dataclass(frozen=True)
class Rating:
    """One mood rating (0-10) at an aware instant, with optional feeling tags."""

    at: dt.datetime
    value: int
    kind: str
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.at, "Rating.at")
        _require_rating(self.value, "Rating.value")
        if self.kind not in RATING_KINDS:
            raise ValueError(
                f"Rating.kind must be one of {sorted(RATING_KINDS)}, not {self.kind!r}"
            )


@dataclass(frozen=True)
class BreakRecord:
    """One self-compassion break with the mood before and after, when given."""

    started_at: dt.datetime
    before: int | None
    after: int | None
    completed: bool

    def __post_init__(self) -> None:
        require_aware(self.started_at, "BreakRecord.started_at")
        for name, value in (("before", self.before), ("after", self.after)):
            if value is not None:
                _require_rating(value, f"BreakRecord.{name}")


@dataclass(frozen=True)
class PracticeRecord(BreakRecord):
    """One practice beyond the break (``kind``: critic, soothe, ...), with its mood ratings."""

    kind: str = ""


def _require_rating(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int from {MIN_RATING} to {MAX_RATING}")
    if not MIN_RATING <= value <= MAX_RATING:
        raise ValueError(f"{name} must be from {MIN_RATING} to {MAX_RATING}, not {value}")


@dataclass(frozen=True)
class PeriodRecords:
    """What one person stored around a period: ratings of it and the one before, its breaks
    and its other practices."""

    ratings: tuple[Rating, ...]
    breaks: tuple[BreakRecord, ...]
    practices: tuple[PracticeRecord, ...] = ()
