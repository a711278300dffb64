"""Tests for the summary chart: the data it shows and the PNG it produces."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.samples import BreakRecord, Rating
from bot.core.stats import summarize
from bot.ui.chart_data import (
    HALF_DAY,
    MIN_GAP,
    BreakMarker,
    ChartData,
    chart_data,
    spread_in_day,
    tick_indices,
)
from bot.ui.charts import CHART_SIZE, render_chart

UTC = dt.UTC
BERLIN = "Europe/Berlin"
END = dt.datetime(2026, 10, 25, 20, 0, tzinfo=UTC)  # week: Monday 19 to Sunday 25 October
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REPO = Path(__file__).resolve().parents[2]


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=ZoneInfo(BERLIN)).astimezone(UTC)


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


SAME_DAY = [(14, 0), (14, 5), (23, 50)]  # two within minutes, one just before midnight
RATINGS = [
    Rating(local(19, 0, 30), 4, "checkin"),  # 22:30 UTC on Sunday 18th, but Monday locally
    Rating(local(19, 20), 6, "quick"),
    Rating(local(21, 9), 3, "checkin"),
    Rating(local(21, 13), 4, "checkin"),
    Rating(local(21, 21), 8, "checkin"),
    Rating(local(25, 23, 30), 7, "checkin"),
]
BREAKS = [
    BreakRecord(local(19, 0, 10), 3, 6, True),  # Monday, just after midnight
    BreakRecord(local(21, 14), 4, 4, True),
    BreakRecord(local(21, 18), 2, 5, True),
    BreakRecord(local(22, 10), 3, None, True),  # no after-rating
    BreakRecord(local(23, 10), 2, 7, False),  # not completed
    BreakRecord(local(18, 10), 1, 9, True),  # before the period
]


def week_data() -> ChartData:
    summary = summarize(RATINGS, BREAKS, zone=BERLIN, period_end=END)
    return chart_data(summary, BREAKS, zone=BERLIN)


def test_chart_data_per_day_values_with_gaps() -> None:
    data = week_data()
    assert data.labels == ("Mon 19", "Tue 20", "Wed 21", "Thu 22", "Fri 23", "Sat 24", "Sun 25")
    assert data.tick_indices == (0, 1, 2, 3, 4, 5, 6)
    assert data.means == (5.0, None, 5.0, None, None, None, 7.0)
    assert data.mins == (4, None, 3, None, None, None, 7)
    assert data.maxs == (6, None, 8, None, None, None, 7)
    assert data.empty_text is None


def days_and_moods(data: ChartData) -> list[tuple[int, int, int]]:
    return [(marker.day, marker.before, marker.after) for marker in data.breaks]


def test_chart_data_break_markers() -> None:
    data = week_data()
    assert days_and_moods(data) == [(0, 3, 6), (2, 4, 4), (2, 2, 5)]
    first = data.breaks[0]
    assert first == BreakMarker(day=0, before=3, after=6, x=first.x)
    assert [marker.unchanged for marker in data.breaks] == [False, True, False]


def test_breaks_sit_within_their_day_by_time_of_day() -> None:
    data = week_data()
    # 00:10 on Monday: the start of day 0; 14:00 and 18:00 on Wednesday, in that order
    monday, two_pm, six_pm = (marker.x for marker in data.breaks)
    assert monday == pytest.approx(0 - HALF_DAY + 2 * HALF_DAY * 10 / 1440)
    assert 2 < two_pm < six_pm <= 2 + HALF_DAY
    assert six_pm - two_pm >= MIN_GAP


def test_three_breaks_on_one_day_are_spread_apart_inside_it() -> None:
    day = [BreakRecord(local(21, hour, minute), 3, 6, True) for hour, minute in SAME_DAY]
    summary = summarize([], day, zone=BERLIN, period_end=END)
    xs = [marker.x for marker in chart_data(summary, day, zone=BERLIN).breaks]
    assert xs == sorted(xs) and len(xs) == 3
    assert all(2 - HALF_DAY <= x <= 2 + HALF_DAY for x in xs)
    assert all(b - a >= MIN_GAP - 1e-9 for a, b in pairwise(xs))


@pytest.mark.parametrize(
    "fractions",
    [[0.0], [1.0], [0.5, 0.5, 0.5], [0.99, 0.995, 1.0], [0.0, 0.001], [0.5] * 9, [0.2, 0.9]],
)
def test_spread_in_day_keeps_order_gap_and_bounds(fractions: list[float]) -> None:
    xs = spread_in_day(4, fractions)
    assert list(xs) == sorted(xs)
    assert all(4 - HALF_DAY <= x <= 4 + HALF_DAY for x in xs)
    gap = min(MIN_GAP, 2 * HALF_DAY / (len(xs) - 1)) if len(xs) > 1 else 0
    assert all(b - a >= gap - 1e-6 for a, b in pairwise(xs))


@pytest.mark.parametrize("days", [7, 30])
def test_every_break_and_arrow_is_inside_the_axes(days: int) -> None:
    breaks = [
        BreakRecord(local(25, 23, 59), 0, 10, True),  # the last minute of the last day
        BreakRecord(local(25, 23, 58), 10, 0, True),
        BreakRecord(END - dt.timedelta(days=days - 1, hours=19), 10, 10, True),  # first day
    ]
    summary = summarize([], breaks, zone=BERLIN, period_end=END, days=days)
    data = chart_data(summary, breaks, zone=BERLIN)
    assert len(data.breaks) == 3
    (left, right), (bottom, top) = data.x_limits, data.y_limits
    margin = 0.5 if days > 14 else 0.2  # room for a marker's width beyond its centre
    for marker in data.breaks:
        assert left + margin <= marker.x <= right - margin
        assert bottom < min(marker.before, marker.after) <= max(marker.before, marker.after) < top
    assert render_chart(data)[:8] == PNG_SIGNATURE


def test_break_markers_follow_the_local_day_and_time_order() -> None:
    late = BreakRecord(local(20, 23, 30), 5, 6, True)  # 21:30 UTC, Tuesday locally
    early = BreakRecord(local(20, 7), 1, 2, True)
    summary = summarize([], [late, early], zone=BERLIN, period_end=END)
    assert days_and_moods(chart_data(summary, [late, early], zone=BERLIN)) == [(1, 1, 2), (1, 5, 6)]
    # In Tokyo the period runs Tuesday 20 to Monday 26, and 21:30 UTC on Tuesday is
    # already Wednesday morning.
    tokyo = summarize([], [late, early], zone="Asia/Tokyo", period_end=END)
    assert tokyo.start == dt.date(2026, 10, 20)
    tokyo_data = chart_data(tokyo, [late, early], zone="Asia/Tokyo")
    assert days_and_moods(tokyo_data) == [(0, 1, 2), (1, 5, 6)]


def test_chart_texts_come_from_the_catalogue_or_parameters() -> None:
    data = week_data()
    assert data.title == "Your mood this week"
    assert data.y_label == "Mood (0–10)"
    assert (data.mean_label, data.range_label, data.break_label) == (
        "Daily average",
        "Lowest to highest",
        "Break: before → after",
    )
    month = summarize(RATINGS, BREAKS, zone=BERLIN, period_end=END, days=30)
    assert chart_data(month, BREAKS, zone=BERLIN).title == "Your mood over the last 30 days"
    own = chart_data(month, BREAKS, zone=BERLIN, title="Custom")
    assert own.title == "Custom"


def test_empty_period_chart_data() -> None:
    summary = summarize([], [], zone=BERLIN, period_end=END)
    data = chart_data(summary, [], zone=BERLIN)
    assert data.means == (None,) * 7
    assert data.breaks == ()
    assert data.empty_text


def test_month_labels_every_few_days_ending_today() -> None:
    summary = summarize(RATINGS, BREAKS, zone=BERLIN, period_end=END, days=30)
    data = chart_data(summary, BREAKS, zone=BERLIN)
    assert len(data.labels) == len(data.means) == 30
    assert data.labels[0] == "Sat 26" and data.labels[-1] == "Sun 25"
    assert data.tick_indices == (1, 8, 15, 22, 29)  # about once a week: readable on a phone
    assert data.means[23] == 5.0 and data.means[24] is None
    assert days_and_moods(data) == [(22, 1, 9), (23, 3, 6), (25, 4, 4), (25, 2, 5)]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, ()),
        (1, (0,)),
        (7, (0, 1, 2, 3, 4, 5, 6)),
        (8, (0, 1, 2, 3, 4, 5, 6, 7)),
        (14, (1, 3, 5, 7, 9, 11, 13)),
        (30, (1, 8, 15, 22, 29)),  # over two weeks: once a week
    ],
)
def test_tick_indices(days: int, expected: tuple[int, ...]) -> None:
    assert tick_indices(days) == expected


def test_render_chart_is_a_png_of_the_requested_size() -> None:
    assert CHART_SIZE == (1200, 800)
    png = render_chart(week_data())
    assert png_size(png) == (1200, 800)
    assert png_size(render_chart(week_data(), width_px=600, height_px=400)) == (600, 400)


def test_render_chart_empty_and_month() -> None:
    empty = chart_data(summarize([], [], zone=BERLIN, period_end=END), [], zone=BERLIN)
    assert png_size(render_chart(empty)) == CHART_SIZE
    month = summarize(RATINGS, BREAKS, zone=BERLIN, period_end=END, days=30)
    assert png_size(render_chart(chart_data(month, BREAKS, zone=BERLIN))) == CHART_SIZE


def test_render_chart_rejects_tiny_sizes() -> None:
    with pytest.raises(ValueError):
        render_chart(week_data(), width_px=10, height_px=10)


def test_render_chart_is_deterministic_across_threads() -> None:
    data = week_data()
    expected = render_chart(data)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: render_chart(data), range(4)))
    assert all(result == expected for result in results)


def test_charts_never_load_pyplot() -> None:
    code = (
        "import sys, datetime as dt\n"
        "from bot.ui.chart_data import chart_data\nfrom bot.ui.charts import render_chart\n"
        "from bot.core.stats import summarize\n"
        "end = dt.datetime(2026, 10, 25, tzinfo=dt.UTC)\n"
        "render_chart(chart_data(summarize([], [], zone='UTC', period_end=end), [], zone='UTC'))\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60)


def test_the_bot_starts_without_matplotlib_or_numpy() -> None:
    code = (
        "import sys\nimport bot.app\n"
        "loaded = [m for m in ('matplotlib', 'numpy') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60)
