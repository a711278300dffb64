"""What the summary chart shows, as plain lists and labels (drawn by bot.ui.charts)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from bot.core.stats import BreakRecord, PeriodSummary, local_date
from bot.ui.summary_text import WEEK_DAYS, day_label
from bot.ui.texts import t

MAX_DAY_LABELS = 8


class BreakMarker(NamedTuple):
    """A completed break: index of its local day in the period, mood before and after."""

    day: int
    before: int
    after: int


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
    mean_label: str
    range_label: str
    break_label: str
    empty_text: str | None


def tick_indices(days: int, max_labels: int = MAX_DAY_LABELS) -> tuple[int, ...]:
    """Which day indices get a label: all when few, else every few days ending on the last."""
    if days <= 0:
        return ()
    step = max(1, math.ceil(days / max_labels))
    return tuple(sorted(range(days - 1, -1, -step)))


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
    ordered = sorted(breaks, key=lambda b: b.started_at)
    markers = []
    for record in ordered:
        if not record.completed or record.before is None or record.after is None:
            continue
        index = (local_date(record.started_at, zone) - summary.start).days
        if 0 <= index < days:
            markers.append(BreakMarker(index, record.before, record.after))
    return ChartData(
        title=title,
        y_label=t("summary.chart.y_label", language),
        labels=tuple(day_label(day.date, language) for day in summary.days),
        tick_indices=tick_indices(days),
        means=tuple(day.mean for day in summary.days),
        mins=tuple(day.min for day in summary.days),
        maxs=tuple(day.max for day in summary.days),
        breaks=tuple(markers),
        mean_label=t("summary.chart.mean", language),
        range_label=t("summary.chart.range", language),
        break_label=t("summary.chart.break_change", language),
        empty_text=None if summary.count else t("summary.chart.empty", language),
    )
