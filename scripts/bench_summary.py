"""Benchmark the weekly/monthly summary: statistics, text and chart, for one busy user.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_summary.py [--repeat N] [--sample PATH]

Builds a year of synthetic ratings (about four a day, with feeling tags, a daily
rhythm and some quiet days) and breaks for one user in Europe/Berlin, then
measures in this one process:

* the median time of ``summarize()`` for a week and for 30 days, both with the
  whole year passed in (worst case) and with only the two periods (what a
  database query returns), against a baseline of ``json.dumps`` of the same
  year of ratings;
* the median time of ``compose_summary()``, ``chart_data()`` and ``render_chart()``
  against a baseline of rendering an empty matplotlib figure of the same size;
* the peak traced memory (tracemalloc) of ``summarize()`` and ``render_chart()``.

It also writes one sample week chart (default /tmp/kindbreak_sample_chart.png).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.core.samples import BreakRecord, Rating  # noqa: E402
from bot.core.stats import summarize  # noqa: E402
from bot.ui.chart_data import chart_data  # noqa: E402
from bot.ui.charts import CHART_SIZE, render_chart  # noqa: E402
from bot.ui.summary_text import compose_summary  # noqa: E402

ZONE = "Europe/Berlin"
PERIOD_END = dt.datetime(2026, 10, 25, 20, 0, tzinfo=dt.UTC)
TAGS = ("calm", "tired", "anxious", "hopeful", "sad", "grateful", "lonely", "overwhelmed")


def build_year(seed: int = 7) -> tuple[list[Rating], list[BreakRecord]]:
    """A year of ratings (about four a day) and breaks ending on ``PERIOD_END``."""
    rng = random.Random(seed)
    tz = ZoneInfo(ZONE)
    ratings: list[Rating] = []
    breaks: list[BreakRecord] = []
    last_day = PERIOD_END.astimezone(tz).date()
    for back in range(365, -1, -1):
        day = last_day - dt.timedelta(days=back)
        if rng.random() < 0.08:
            continue  # a quiet day
        season = 5.5 + 1.2 * rng.random() - (1.0 if day.weekday() == 0 else 0.0)
        hours = sorted(rng.sample([7, 8, 10, 12, 14, 16, 18, 20, 21, 23], rng.randint(3, 6)))
        for hour in hours:
            local = dt.datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=tz)
            value = round(rng.gauss(season + (0.8 if hour >= 17 else -0.3), 1.6))
            tags = tuple(rng.sample(TAGS, rng.choice((0, 1, 1, 2))))
            kind = rng.choice(("checkin", "checkin", "quick"))
            ratings.append(Rating(local.astimezone(dt.UTC), max(0, min(10, value)), kind, tags))
        if rng.random() < 0.7:
            local = dt.datetime(day.year, day.month, day.day, 13, 30, tzinfo=tz)
            before = rng.randint(2, 7)
            completed = rng.random() < 0.85
            after = min(10, before + rng.randint(-1, 4)) if completed else None
            breaks.append(BreakRecord(local.astimezone(dt.UTC), before, after, completed))
    return ratings, breaks


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``func`` over ``repeat`` runs (after one warm-up run)."""
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def peak_bytes(func: Callable[[], object]) -> int:
    """Peak memory traced by tracemalloc while ``func`` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def empty_figure_png() -> bytes:
    """Baseline: an empty figure of the chart's size rendered to PNG."""
    figure = Figure(figsize=(CHART_SIZE[0] / 100, CHART_SIZE[1] / 100), dpi=100)
    FigureCanvasAgg(figure)
    figure.add_subplot()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def window(ratings: list[Rating], days: int) -> list[Rating]:
    """The ratings of a period and the one before it, as a database query would return."""
    since = PERIOD_END - dt.timedelta(days=2 * days + 1)
    return [r for r in ratings if r.at >= since]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of each fast step")
    parser.add_argument("--sample", type=Path, default=Path("/tmp/kindbreak_sample_chart.png"))
    args = parser.parse_args()
    repeat = max(3, args.repeat)
    chart_repeat = max(3, repeat // 3)

    ratings, breaks = build_year()
    as_json = [
        {"at": r.at.isoformat(), "value": r.value, "kind": r.kind, "tags": r.tags} for r in ratings
    ]
    print(f"data: {len(ratings)} ratings, {len(breaks)} breaks over 366 days ({ZONE})")
    print(f"python {sys.version.split()[0]}, repeat={repeat} (charts {chart_repeat})")

    def stats(days: int, source: list[Rating]) -> Callable[[], object]:
        return lambda: summarize(
            source, breaks, zone=ZONE, period_end=PERIOD_END, days=days, previous=source
        )

    baseline_json = median_seconds(lambda: json.dumps(as_json), repeat)
    print(f"\nbaseline json.dumps(year of ratings): {baseline_json * 1e3:8.2f} ms")
    for label, days in (("week", 7), ("month", 30)):
        for scope, source in (
            ("whole year in", ratings),
            ("two periods in", window(ratings, days)),
        ):
            seconds = median_seconds(stats(days, source), repeat)
            print(
                f"summarize {label:<5} ({scope:<14} {len(source):4d}): {seconds * 1e3:8.2f} ms"
                f"  = {seconds / baseline_json:5.2f} x baseline"
            )

    week = summarize(ratings, breaks, zone=ZONE, period_end=PERIOD_END, previous=ratings)
    month = summarize(ratings, breaks, zone=ZONE, period_end=PERIOD_END, days=30, previous=ratings)
    text_seconds = median_seconds(lambda: compose_summary(month), repeat)
    print(f"compose_summary month:                  {text_seconds * 1e3:8.3f} ms")

    baseline_png = median_seconds(empty_figure_png, chart_repeat)
    print(f"\nbaseline empty figure render:           {baseline_png * 1e3:8.1f} ms")
    week_data = chart_data(week, breaks, zone=ZONE)
    month_data = chart_data(month, breaks, zone=ZONE)
    data_seconds = median_seconds(lambda: chart_data(month, breaks, zone=ZONE), repeat)
    print(f"chart_data month (year of breaks in):   {data_seconds * 1e3:8.2f} ms")
    for label, data in (("week", week_data), ("month", month_data)):
        seconds = median_seconds(partial(render_chart, data), chart_repeat)
        print(
            f"render_chart {label:<5}:                     {seconds * 1e3:8.1f} ms"
            f"  = {seconds / baseline_png:5.2f} x baseline"
        )

    print()
    for label, func in (
        ("summarize month (whole year in)", stats(30, ratings)),
        ("render_chart month", lambda: render_chart(month_data)),
        ("baseline empty figure render", empty_figure_png),
    ):
        print(f"peak memory {label:<32} {peak_bytes(func) / 2**20:7.2f} MiB")

    png = render_chart(week_data)
    args.sample.write_bytes(png)
    print(f"\nsample week chart: {args.sample} ({len(png) / 1024:.0f} KiB)")
    print(f"month summary text: {len(compose_summary(month))} characters")


if __name__ == "__main__":
    main()
