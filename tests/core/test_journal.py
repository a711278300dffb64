"""Counting the days with a gratitude note: days of the local month, never a streak."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.journal import days_noted_this_month

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_days_are_counted_once_and_gaps_cost_nothing() -> None:
    instants = [
        datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 20, 0, tzinfo=UTC),  # the same day twice
        datetime(2026, 11, 9, 8, 0, tzinfo=UTC),  # a week's gap
        datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
        datetime(2026, 10, 30, 8, 0, tzinfo=UTC),  # last month
    ]
    assert days_noted_this_month(instants, now=NOW, zone="Europe/Berlin") == 3


def test_the_local_day_and_month_decide() -> None:
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # already 1 November in Berlin
    assert days_noted_this_month([late], now=NOW, zone="Europe/Berlin") == 1
    assert days_noted_this_month([late], now=NOW, zone=None) == 0
