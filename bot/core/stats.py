"""Mood statistics for a period: plain data in, plain data out.

Every rating is placed on the person's *local* calendar day (``zone`` is an
IANA name), so a rating at 23:30 local time belongs to that evening's day
whatever the UTC date, and a week that crosses a daylight-saving change still
has exactly seven days.

Rounding rules (all figures are computed on exact fractions first):

* averages and changes are rounded to one decimal place, halves away from
  zero (2.25 -> 2.3, -0.25 -> -0.3), and ``-0.0`` is never produced;
* ``change_from_previous`` and ``average_break_change`` are the exact
  difference rounded once, not a difference of rounded averages;
* a week is "hard" when the *rounded* average (the number the person sees) is
  at most ``HARD_WEEK_MEAN``;
* time-of-day and weekday patterns compare exact averages, and ties go to the
  earlier group (morning before afternoon, Monday before Tuesday).

All kinds of rating (check-in, before/after a break, quick) count as mood
samples.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from bot.core.samples import BreakRecord, PracticeRecord, Rating
from bot.core.schedule import require_aware

MIN_RATINGS_FOR_STATS = 3
"""Fewer ratings than this make a period sparse and hide the comparison."""
MIN_RATINGS_PER_GROUP = 2
"""A time of day or weekday needs this many ratings to take part in a pattern."""
MIN_PATTERN_GAP = 0.5
"""Hardest and easiest group averages must differ by at least this much."""
HARD_WEEK_MEAN = 4.0
"""A period whose rounded average is at most this is a hard one."""
TOP_TAG_COUNT = 3

TimeOfDay = Literal["morning", "afternoon", "evening", "night"]
TIMES_OF_DAY: tuple[TimeOfDay, ...] = ("morning", "afternoon", "evening", "night")
"""Local-hour buckets: morning 05-12, afternoon 12-17, evening 17-22, night 22-05."""

_K = TypeVar("_K", bound=Hashable)


@dataclass(frozen=True)
class DayStats:
    """The ratings of one local calendar day (``None`` figures when there were none)."""

    date: dt.date
    count: int
    mean: float | None
    min: int | None
    max: int | None


@dataclass(frozen=True)
class PeriodSummary:
    """Everything the weekly (or monthly) summary says, as plain numbers."""

    start: dt.date
    end: dt.date
    count: int
    mean: float | None
    min: int | None
    max: int | None
    change_from_previous: float | None
    breaks_taken: int
    breaks_completed: int
    average_break_change: float | None
    hardest_time_of_day: TimeOfDay | None
    easiest_time_of_day: TimeOfDay | None
    hardest_weekday: int | None
    easiest_weekday: int | None
    top_tags: tuple[tuple[str, int], ...]
    days_with_ratings: int
    is_sparse: bool
    is_hard_week: bool
    days: tuple[DayStats, ...]
    practices_taken: int = 0
    practices_completed: int = 0
    average_practice_change: float | None = None

    @property
    def period_days(self) -> int:
        """How many local calendar days the period covers."""
        return len(self.days)


def local_date(at: dt.datetime, zone: str) -> dt.date:
    """The calendar date of an aware instant in the IANA ``zone``."""
    return at.astimezone(ZoneInfo(zone)).date()


def period_bounds(period_end: dt.datetime, zone: str, days: int = 7) -> tuple[dt.date, dt.date]:
    """First and last local date of the ``days`` days ending on ``period_end``'s local day."""
    require_aware(period_end, "period_end")
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    end = local_date(period_end, zone)
    return end - dt.timedelta(days=days - 1), end


def time_of_day(hour: int) -> TimeOfDay:
    """The bucket of a local hour (0-23)."""
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def round1(value: Fraction) -> float:
    """Round an exact value to one decimal place, halves away from zero."""
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    if tenths == 0:
        return 0.0
    return -tenths / 10 if value < 0 else tenths / 10


def summarize(
    ratings: Sequence[Rating],
    breaks: Sequence[BreakRecord],
    *,
    zone: str,
    period_end: dt.datetime,
    days: int = 7,
    previous: Sequence[Rating] = (),
    practices: Sequence[PracticeRecord] = (),
) -> PeriodSummary:
    """Summarize the ``days`` local days ending on the local day of ``period_end``
    (its breaks, and the practices beyond the break, counted apart)."""
    start, end = period_bounds(period_end, zone, days)
    tz = ZoneInfo(zone)
    local = [
        (when, rating)
        for rating in ratings
        if start <= (when := rating.at.astimezone(tz)).date() <= end
    ]
    prev_start = start - dt.timedelta(days=days)
    prev_values = [r.value for r in previous if prev_start <= r.at.astimezone(tz).date() < start]
    in_period = [b for b in breaks if start <= b.started_at.astimezone(tz).date() <= end]
    practiced = [p for p in practices if start <= p.started_at.astimezone(tz).date() <= end]
    return _summary(start, end, _Groups.of(local), prev_values, in_period, practiced)


def _summary(
    start: dt.date,
    end: dt.date,
    groups: _Groups,
    prev_values: Sequence[int],
    in_period: Sequence[BreakRecord],
    practiced: Sequence[PracticeRecord],
) -> PeriodSummary:
    values = groups.values
    exact_mean = _mean(values)
    mean = None if exact_mean is None else round1(exact_mean)
    time_pattern = _extremes(groups.by_time, TIMES_OF_DAY)
    weekday_pattern = _extremes(groups.by_weekday, range(7))
    ranked = sorted(groups.tags.items(), key=lambda item: (-item[1], item[0]))
    dates = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
    return PeriodSummary(
        start=start,
        end=end,
        count=len(values),
        mean=mean,
        min=min(values) if values else None,
        max=max(values) if values else None,
        change_from_previous=_change(values, prev_values),
        breaks_taken=len(in_period),
        breaks_completed=sum(1 for b in in_period if b.completed),
        average_break_change=_average_change(in_period),
        hardest_time_of_day=time_pattern[0] if time_pattern else None,
        easiest_time_of_day=time_pattern[1] if time_pattern else None,
        hardest_weekday=weekday_pattern[0] if weekday_pattern else None,
        easiest_weekday=weekday_pattern[1] if weekday_pattern else None,
        top_tags=tuple(ranked[:TOP_TAG_COUNT]),
        days_with_ratings=len(groups.by_date),
        is_sparse=len(values) < MIN_RATINGS_FOR_STATS,
        is_hard_week=(
            mean is not None and len(values) >= MIN_RATINGS_FOR_STATS and mean <= HARD_WEEK_MEAN
        ),
        days=tuple(_day_stats(day, groups.by_date.get(day)) for day in dates),
        practices_taken=len(practiced),
        practices_completed=sum(1 for p in practiced if p.completed),
        average_practice_change=_average_change(practiced),
    )


def _average_change(records: Sequence[BreakRecord]) -> float | None:
    """The mean change from before to after, over the completed ones rated both times."""
    changes = [
        r.after - r.before
        for r in records
        if r.completed and r.before is not None and r.after is not None
    ]
    change = _mean(changes)
    return None if change is None else round1(change)


@dataclass(frozen=True)
class _Groups:
    """A period's ratings grouped by local date, time of day and weekday, and its feelings."""

    values: list[int]
    by_date: dict[dt.date, list[int]]
    by_time: dict[TimeOfDay, list[int]]
    by_weekday: dict[int, list[int]]
    tags: Counter[str]

    @classmethod
    def of(cls, local: Sequence[tuple[dt.datetime, Rating]]) -> _Groups:
        groups = cls([], defaultdict(list), defaultdict(list), defaultdict(list), Counter())
        for when, rating in local:
            groups.values.append(rating.value)
            groups.by_date[when.date()].append(rating.value)
            groups.by_time[time_of_day(when.hour)].append(rating.value)
            groups.by_weekday[when.weekday()].append(rating.value)
            groups.tags.update(set(rating.tags))
        return groups


def _change(values: Sequence[int], previous: Sequence[int]) -> float | None:
    """The change in mean from the previous period, when both have enough ratings."""
    if len(values) < MIN_RATINGS_FOR_STATS or len(previous) < MIN_RATINGS_FOR_STATS:
        return None
    return round1(Fraction(sum(values), len(values)) - Fraction(sum(previous), len(previous)))


def _day_stats(day: dt.date, values: list[int] | None) -> DayStats:
    if not values:
        return DayStats(date=day, count=0, mean=None, min=None, max=None)
    return DayStats(
        date=day,
        count=len(values),
        mean=round1(Fraction(sum(values), len(values))),
        min=min(values),
        max=max(values),
    )


def _mean(values: Sequence[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def _extremes(groups: Mapping[_K, list[int]], order: Iterable[_K]) -> tuple[_K, _K] | None:
    """Hardest and easiest group, or ``None`` when there is no clear pattern."""
    averages = [
        (key, Fraction(sum(groups[key]), len(groups[key])))
        for key in order
        if len(groups.get(key, ())) >= MIN_RATINGS_PER_GROUP
    ]
    if len(averages) < 2:
        return None
    hardest = min(averages, key=lambda item: item[1])
    easiest = max(averages, key=lambda item: item[1])
    if easiest[1] - hardest[1] < Fraction(MIN_PATTERN_GAP):
        return None
    return hardest[0], easiest[0]
