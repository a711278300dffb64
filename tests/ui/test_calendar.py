"""Tests for bot.ui.calendar: names of days and months, lists of times and days."""

from __future__ import annotations

from datetime import time

import pytest

from bot.core.schedule import WEEKDAYS_ALL, WEEKDAYS_WORK
from bot.ui.calendar import format_times, format_weekdays, month, weekday


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ((), ""),
        ((time(8, 30),), "08:30"),
        ((time(21, 0), time(8, 30)), "08:30 and 21:00"),
        ((time(21, 0), time(8, 30), time(14, 0)), "08:30, 14:00 and 21:00"),
        ((time(9, 0), time(9, 0)), "09:00"),
        ((time(7, 0), time(9, 0), time(12, 0), time(23, 5)), "07:00, 09:00, 12:00 and 23:05"),
    ],
)
def test_format_times(times: tuple[time, ...], expected: str) -> None:
    assert format_times(times, None) == expected


@pytest.mark.parametrize(
    ("weekdays", "expected"),
    [
        (WEEKDAYS_ALL, "every day"),
        (WEEKDAYS_WORK, "weekdays"),
        (frozenset({5, 6}), "weekends"),
        (frozenset({0, 2, 4}), "Mon, Wed, Fri"),
        (frozenset({6}), "Sun"),
        (frozenset({6, 0}), "Mon, Sun"),
        (frozenset(), "no days"),
    ],
)
def test_format_weekdays(weekdays: frozenset[int], expected: str) -> None:
    assert format_weekdays(weekdays, None) == expected


def test_names_of_days_and_months() -> None:
    assert weekday(0, None) == "Monday"
    assert weekday(6, "en", form="weekdays") == "Sundays"
    assert weekday(2, None, form="weekday_short") == "Wed"
    assert (month(3, None), month(12, None, short=True)) == ("March", "Dec")
    with pytest.raises(ValueError, match="weekday"):
        weekday(7, None)
