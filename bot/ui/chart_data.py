"""What the summary chart shows, as plain lists and labels (drawn by bot.ui.charts)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.core.samples import MAX_RATING, MIN_RATING, BreakRecord
from bot.core.stats import PeriodSummary, local_date
from bot.ui.summary_text import WEEK_DAYS, day_label
from bot.ui.texts import t

MAX_DAY_LABELS = 8
LONG_PERIOD = 14
HALF_DAY = 0.36  # breaks sit within day ± this, placed by the time of day they were taken
MIN_GAP = 0.16  # same-day breaks at least this far apart (fewer if a day holds many)
X_PAD = 0.6  # room beyond the outermost day for markers; more for long periods (narrow days)
X_PAD_LONG = 1.0
Y_LIMITS = (MIN_RATING - 0.6, MAX_RATING + 0.6)


class BreakMarker(NamedTuple):
    """A completed break: its local day in the period, mood before and after, and where it sits
    on the day axis (``x``: the day's index, moved within the day by the time of day)."""

    day: int
    before: int
    after: int
    x: float

    @property
    def unchanged(self) -> bool:
        """Whether the mood was the same before and after."""
        return self.before == self.after


@dataclass(frozen=True)
class ChartData:
    """Everything the chart shows, as plain values (``None`` marks a day without ratings)."""

    title: str
    y_label: str
    labels: tuple[str, ...]
    tick_indices: tuple[int, ...]
    means: tuple[float | None, ...]
    mins: tuple[int | None, ...]
    maxs: tuple[int | None, ...]
    breaks: tuple[BreakMarker, ...]
    x_limits: tuple[float, float]
    y_limits: tuple[float, float]
    mean_label: str
    range_label: str
    break_label: str
    unchanged_label: str
    empty_text: str | None

    @property
    def long(self) -> bool:
        """Whether the period is long (over two weeks), so days are narrow."""
        return len(self.means) > LONG_PERIOD


def tick_indices(days: int, max_labels: int = MAX_DAY_LABELS) -> tuple[int, ...]:
    """Which day indices get a label: all when few, else every few days ending on the last;
    over two weeks, one a week (the same weekday as the last day), so they read on a phone."""
    if days <= 0:
        return ()
    step = WEEK_DAYS if days > LONG_PERIOD else max(1, math.ceil(days / max_labels))
    return tuple(sorted(range(days - 1, -1, -step)))


def spread_in_day(day: int, fractions: Sequence[float]) -> tuple[float, ...]:
    """Positions of a day's breaks (``fractions`` of the day gone, in order) on the day axis:
    by time of day within day ± HALF_DAY, at least MIN_GAP apart (evenly if too many)."""
    count = len(fractions)
    low, high = day - HALF_DAY, day + HALF_DAY
    gap = min(MIN_GAP, 2 * HALF_DAY / (count - 1)) if count > 1 else 0.0
    xs = [low + 2 * HALF_DAY * min(max(f, 0.0), 1.0) for f in fractions]
    for i in range(1, count):  # push right, then back left from the day's end
        xs[i] = max(xs[i], xs[i - 1] + gap)
    xs[-1:] = [min(x, high) for x in xs[-1:]]
    for i in range(count - 2, -1, -1):
        xs[i] = min(xs[i], xs[i + 1] - gap)
    return tuple(round(max(x, low), 6) for x in xs)


def _day_fraction(at: dt.datetime, zone: str) -> float:
    local = at.astimezone(ZoneInfo(zone))
    return (local.hour * 3600 + local.minute * 60 + local.second) / 86400


def break_markers(
    breaks: Sequence[BreakRecord], *, start: dt.date, days: int, zone: str
) -> tuple[BreakMarker, ...]:
    """Completed breaks with both ratings, on their local day and spread by time of day."""
    by_day: dict[int, list[BreakRecord]] = defaultdict(list)
    for record in sorted(breaks, key=lambda b: b.started_at):
        if not record.completed or record.before is None or record.after is None:
            continue
        index = (local_date(record.started_at, zone) - start).days
        if 0 <= index < days:
            by_day[index].append(record)
    markers = []
    for day, records in sorted(by_day.items()):
        xs = spread_in_day(day, [_day_fraction(r.started_at, zone) for r in records])
        for record, x in zip(records, xs, strict=True):
            assert record.before is not None and record.after is not None
            markers.append(BreakMarker(day, record.before, record.after, x))
    return tuple(markers)


def chart_data(
    summary: PeriodSummary,
    breaks: Sequence[BreakRecord],
    *,
    zone: str,
    language: str | None = None,
    title: str | None = None,
) -> ChartData:
    """The chart's values and texts for ``summary`` (breaks placed on their local day)."""
    days = summary.period_days
    if title is None:
        title = (
            t("summary.chart.title_week", language)
            if days == WEEK_DAYS
            else t("summary.chart.title_days", language, days=days)
        )
    long = days > LONG_PERIOD
    pad = X_PAD_LONG if long else X_PAD
    return ChartData(
        title=title,
        y_label=t("summary.chart.y_label", language),
        labels=tuple(day_label(day.date, language) for day in summary.days),
        tick_indices=tick_indices(days),
        means=tuple(day.mean for day in summary.days),
        mins=tuple(day.min for day in summary.days),
        maxs=tuple(day.max for day in summary.days),
        breaks=break_markers(breaks, start=summary.start, days=days, zone=zone),
        x_limits=(-pad, max(days, 1) - 1 + pad),
        y_limits=Y_LIMITS,
        mean_label=t("summary.chart.mean", language),
        range_label=t("summary.chart.range", language),
        break_label=t("summary.chart.break_change", language),
        unchanged_label=t("summary.chart.break_same", language),
        empty_text=None if summary.count else t("summary.chart.empty", language),
    )
