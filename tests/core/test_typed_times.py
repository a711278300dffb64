"""Reading check-in times and quiet hours as people type them."""

from __future__ import annotations

from datetime import time

import pytest

from bot.core.typed_times import parse_quiet_hours, parse_times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8:30", [time(8, 30)]),
        ("8:30, 21:00", [time(8, 30), time(21, 0)]),
        ("8:30 21:00", [time(8, 30), time(21, 0)]),
        ("9 pm and 7 a.m.", [time(21, 0), time(7, 0)]),
        ("14:00;14:00", [time(14, 0)]),
        ("noon", [time(12, 0)]),
        ("8:30, later", None),
        ("", None),
        ("25:00", None),
        ("9" * 300, None),
    ],
)
def test_reading_typed_times(text: str, expected: list[time] | None) -> None:
    assert parse_times(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-07:00", (time(22, 0), time(7, 0))),
        ("22:00 – 07:00", (time(22, 0), time(7, 0))),
        ("10pm to 7am", (time(22, 0), time(7, 0))),
        ("from 23 until 8", (time(23, 0), time(8, 0))),
        ("13:00-15:30", (time(13, 0), time(15, 30))),
        ("22:00-22:00", None),
        ("late to early", None),
        ("22:00", None),
    ],
)
def test_reading_typed_quiet_hours(text: str, expected: tuple[time, time] | None) -> None:
    assert parse_quiet_hours(text) == expected
