"""Tests for bot.core.schedule: time parsing, DST-safe slots, quiet hours, pauses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import (
    PAUSE_CHOICES,
    WEEKDAYS_ALL,
    WEEKDAYS_WORK,
    Slot,
    in_quiet_hours,
    local_to_utc,
    months_before,
    next_slot,
    pause_until,
    slots_between,
    weekly_slot,
)
from bot.core.typed_times import parse_time_of_day

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
LORD_HOWE = "Australia/Lord_Howe"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def walk(
    start: datetime, end: datetime, *, times: Sequence[time], weekdays: frozenset[int], zone: str
) -> list[Slot]:
    """Slots found by chaining next_slot, as the scheduler does."""
    found: list[Slot] = []
    cursor = start - timedelta(microseconds=1)
    while True:
        slot = next_slot(cursor, times=times, weekdays=weekdays, zone=zone)
        if slot is None or slot.due_utc >= end:
            return found
        found.append(slot)
        cursor = slot.due_utc


# parse_time_of_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8:30", time(8, 30)),
        ("08:30", time(8, 30)),
        ("14:00", time(14, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("9pm", time(21, 0)),
        ("9 pm", time(21, 0)),
        ("9PM", time(21, 0)),
        ("9 p.m.", time(21, 0)),
        ("9:15am", time(9, 15)),
        ("9:15 AM", time(9, 15)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:30am", time(0, 30)),
        ("11:59pm", time(23, 59)),
        ("9.30", time(9, 30)),
        ("21h", time(21, 0)),
        ("21h30", time(21, 30)),
        ("0930", time(9, 30)),
        ("2130", time(21, 30)),
        ("9", time(9, 0)),
        ("21", time(21, 0)),
        ("noon", time(12, 0)),
        ("Noon", time(12, 0)),
        ("midday", time(12, 0)),
        ("midnight", time(0, 0)),
        ("  8:30  ", time(8, 30)),
        ("8:30.", time(8, 30)),
    ],
)
def test_parse_time_of_day_accepts(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "25:00",
        "24:00",
        "7:61",
        "9:5",
        "930",
        "2460",
        "13pm",
        "0am",
        "00pm",
        "abc",
        "8:30:15",
        "-1:00",
        "8 30",
        "pm",
        "12345",
        "9" * 5000,
        "٩:٣٠",
    ],
)
def test_parse_time_of_day_rejects(text: str) -> None:
    assert parse_time_of_day(text) is None


# Slot


def test_slot_key_is_scheduled_local_date_and_time() -> None:
    slot = Slot(date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30))
    assert slot.key == "2026-03-29T02:30"


# local_to_utc


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        # ordinary days
        (BERLIN, date(2026, 1, 15), time(8, 0), utc(2026, 1, 15, 7, 0)),
        (BERLIN, date(2026, 7, 15), time(8, 0), utc(2026, 7, 15, 6, 0)),
        # Berlin spring forward 2026-03-29 02:00 -> 03:00: 02:30 moves to 03:30 CEST
        (BERLIN, date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30)),
        (BERLIN, date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1, 0)),
        (BERLIN, date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 1, 0)),
        # Berlin fall back 2026-10-25 03:00 -> 02:00: 02:30 means the first (CEST) one
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
        (BERLIN, date(2026, 10, 25), time(3, 0), utc(2026, 10, 25, 2, 0)),
        # New York spring forward 2026-03-08 02:00 -> 03:00
        (NEW_YORK, date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
        (NEW_YORK, date(2026, 3, 8), time(3, 30), utc(2026, 3, 8, 7, 30)),
        # New York fall back 2026-11-01 02:00 -> 01:00: 01:30 is the first (EDT) one
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, date(2026, 11, 1), time(2, 30), utc(2026, 11, 1, 7, 30)),
        # Lord Howe: 30-minute DST, +10:30 standard, +11:00 summer
        (LORD_HOWE, date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 45)),
        (LORD_HOWE, date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45)),
        (LORD_HOWE, date(2026, 7, 1), time(8, 0), utc(2026, 6, 30, 21, 30)),
        ("UTC", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 2, 30)),
    ],
)
def test_local_to_utc(zone: str, day: date, at: time, expected: datetime) -> None:
    result = local_to_utc(day, at, ZoneInfo(zone))
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_local_to_utc_ignores_fold_of_input() -> None:
    result = local_to_utc(date(2026, 11, 1), time(1, 30, fold=1), ZoneInfo(NEW_YORK))
    assert result == utc(2026, 11, 1, 5, 30)


def test_local_to_utc_rejects_aware_time() -> None:
    with pytest.raises(ValueError):
        local_to_utc(date(2026, 1, 1), time(8, 0, tzinfo=UTC), ZoneInfo(BERLIN))


# in_quiet_hours


@pytest.mark.parametrize(
    ("local", "start", "end", "expected"),
    [
        # wrapping midnight 22:00-07:00
        (time(21, 59), time(22, 0), time(7, 0), False),
        (time(22, 0), time(22, 0), time(7, 0), True),
        (time(23, 30), time(22, 0), time(7, 0), True),
        (time(0, 0), time(22, 0), time(7, 0), True),
        (time(6, 59), time(22, 0), time(7, 0), True),
        (time(7, 0), time(22, 0), time(7, 0), False),
        (time(12, 0), time(22, 0), time(7, 0), False),
        # same-day window 13:00-15:00
        (time(12, 59), time(13, 0), time(15, 0), False),
        (time(13, 0), time(13, 0), time(15, 0), True),
        (time(14, 59), time(13, 0), time(15, 0), True),
        (time(15, 0), time(13, 0), time(15, 0), False),
        # no window
        (time(3, 0), None, None, False),
        (time(3, 0), time(22, 0), None, False),
        (time(3, 0), None, time(7, 0), False),
        (time(3, 0), time(3, 0), time(3, 0), False),
    ],
)
def test_in_quiet_hours(local: time, start: time | None, end: time | None, expected: bool) -> None:
    assert in_quiet_hours(local, start, end) is expected


# next_slot


def test_next_slot_same_day_and_next_day() -> None:
    times = (time(8, 0), time(20, 0))
    slot = next_slot(utc(2026, 1, 15, 10, 0), times=times, weekdays=WEEKDAYS_ALL, zone=BERLIN)
    assert slot == Slot(date(2026, 1, 15), time(20, 0), utc(2026, 1, 15, 19, 0))
    slot = next_slot(utc(2026, 1, 15, 19, 30), times=times, weekdays=WEEKDAYS_ALL, zone=BERLIN)
    assert slot == Slot(date(2026, 1, 16), time(8, 0), utc(2026, 1, 16, 7, 0))


def test_next_slot_is_strictly_after() -> None:
    times = (time(8, 0),)
    slot = next_slot(utc(2026, 1, 15, 7, 0), times=times, weekdays=WEEKDAYS_ALL, zone=BERLIN)
    assert slot is not None
    assert slot.key == "2026-01-16T08:00"
    slot = next_slot(utc(2026, 1, 15, 6, 59, 59), times=times, weekdays=WEEKDAYS_ALL, zone=BERLIN)
    assert slot is not None
    assert slot.key == "2026-01-15T08:00"


def test_next_slot_uses_local_date_not_utc_date() -> None:
    # 23:30 UTC on Jan 15 is already Jan 16 09:30 in Sydney (+11).
    slot = next_slot(
        utc(2026, 1, 15, 23, 30),
        times=(time(9, 0),),
        weekdays=WEEKDAYS_ALL,
        zone="Australia/Sydney",
    )
    assert slot == Slot(date(2026, 1, 17), time(9, 0), utc(2026, 1, 16, 22, 0))


def test_next_slot_accepts_any_aware_reference() -> None:
    after = datetime(2026, 1, 15, 11, 0, tzinfo=ZoneInfo(BERLIN))
    slot = next_slot(after, times=(time(12, 0),), weekdays=WEEKDAYS_ALL, zone=BERLIN)
    assert slot == Slot(date(2026, 1, 15), time(12, 0), utc(2026, 1, 15, 11, 0))
    assert slot.due_utc.tzinfo is UTC


def test_next_slot_weekdays_filter() -> None:
    # 2026-01-16 is a Friday.
    after = utc(2026, 1, 16, 12, 0)
    slot = next_slot(after, times=(time(9, 0),), weekdays=WEEKDAYS_WORK, zone=BERLIN)
    assert slot is not None
    assert slot.key == "2026-01-19T09:00"
    assert slot.local_date.weekday() == 0
    slot = next_slot(after, times=(time(9, 0),), weekdays=frozenset({2}), zone=BERLIN)
    assert slot is not None
    assert slot.key == "2026-01-21T09:00"


def test_next_slot_single_weekday_a_week_ahead() -> None:
    # Friday 2026-01-16 after 09:00: the next Friday-only 09:00 slot is 7 days later.
    slot = next_slot(
        utc(2026, 1, 16, 8, 30), times=(time(9, 0),), weekdays=frozenset({4}), zone=BERLIN
    )
    assert slot == Slot(date(2026, 1, 23), time(9, 0), utc(2026, 1, 23, 8, 0))


def test_next_slot_skips_quiet_times() -> None:
    times = (time(6, 30), time(7, 0), time(21, 59), time(22, 0), time(23, 0))
    found = [
        s.local_time
        for s in slots_between(
            utc(2026, 1, 15),
            utc(2026, 1, 16),
            times=times,
            weekdays=WEEKDAYS_ALL,
            zone="UTC",
            quiet_start=time(22, 0),
            quiet_end=time(7, 0),
        )
    ]
    assert found == [time(7, 0), time(21, 59)]
    slot = next_slot(
        utc(2026, 1, 15, 21, 59),
        times=times,
        weekdays=WEEKDAYS_ALL,
        zone="UTC",
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    assert slot is not None
    assert slot.key == "2026-01-16T07:00"


def test_next_slot_none_when_nothing_can_be_due() -> None:
    after = utc(2026, 1, 15)
    assert next_slot(after, times=(), weekdays=WEEKDAYS_ALL, zone=BERLIN) is None
    assert next_slot(after, times=(time(8, 0),), weekdays=frozenset(), zone=BERLIN) is None
    quiet = next_slot(
        after,
        times=(time(23, 0), time(6, 0)),
        weekdays=WEEKDAYS_ALL,
        zone=BERLIN,
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
    )
    assert quiet is None


def test_next_slot_validates_input() -> None:
    with pytest.raises(ValueError):
        next_slot(datetime(2026, 1, 15), times=(time(8, 0),), weekdays=WEEKDAYS_ALL, zone=BERLIN)  # noqa: DTZ001
    with pytest.raises(ValueError):
        next_slot(utc(2026, 1, 15), times=(time(8, 0),), weekdays=frozenset({7}), zone=BERLIN)
    with pytest.raises(ValueError):
        next_slot(
            utc(2026, 1, 15), times=(time(8, 0, tzinfo=UTC),), weekdays=WEEKDAYS_ALL, zone=BERLIN
        )


def test_next_slot_ignores_seconds_and_duplicates() -> None:
    times = (time(8, 0, 30), time(8, 0), time(8, 0))
    found = slots_between(
        utc(2026, 1, 15), utc(2026, 1, 16), times=times, weekdays=WEEKDAYS_ALL, zone="UTC"
    )
    assert found == [Slot(date(2026, 1, 15), time(8, 0), utc(2026, 1, 15, 8, 0))]


# DST


def test_berlin_spring_forward_gap_slot_once() -> None:
    found = slots_between(
        utc(2026, 3, 28, 12),
        utc(2026, 3, 30, 12),
        times=(time(2, 30),),
        weekdays=WEEKDAYS_ALL,
        zone=BERLIN,
    )
    assert [(s.key, s.due_utc) for s in found] == [
        ("2026-03-29T02:30", utc(2026, 3, 29, 1, 30)),
        ("2026-03-30T02:30", utc(2026, 3, 30, 0, 30)),
    ]
    slot = next_slot(
        utc(2026, 3, 29, 0, 0), times=(time(2, 30),), weekdays=WEEKDAYS_ALL, zone=BERLIN
    )
    assert slot == Slot(date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 30))
    assert slot.due_utc.astimezone(ZoneInfo(BERLIN)).time() == time(3, 30)


def test_berlin_fall_back_overlap_slot_once() -> None:
    found = slots_between(
        utc(2026, 10, 24, 12),
        utc(2026, 10, 26, 12),
        times=(time(2, 30),),
        weekdays=WEEKDAYS_ALL,
        zone=BERLIN,
    )
    assert [(s.key, s.due_utc) for s in found] == [
        ("2026-10-25T02:30", utc(2026, 10, 25, 0, 30)),
        ("2026-10-26T02:30", utc(2026, 10, 26, 1, 30)),
    ]
    # Just after the first 02:30 the second 02:30 (01:30 UTC) is not another slot.
    slot = next_slot(
        utc(2026, 10, 25, 0, 30), times=(time(2, 30),), weekdays=WEEKDAYS_ALL, zone=BERLIN
    )
    assert slot == Slot(date(2026, 10, 26), time(2, 30), utc(2026, 10, 26, 1, 30))


def test_new_york_spring_forward_and_fall_back() -> None:
    times = (time(1, 30), time(2, 30))
    spring = slots_between(
        utc(2026, 3, 8), utc(2026, 3, 9), times=times, weekdays=WEEKDAYS_ALL, zone=NEW_YORK
    )
    assert [(s.key, s.due_utc) for s in spring] == [
        ("2026-03-08T01:30", utc(2026, 3, 8, 6, 30)),
        ("2026-03-08T02:30", utc(2026, 3, 8, 7, 30)),
    ]
    fall = slots_between(
        utc(2026, 11, 1), utc(2026, 11, 2), times=times, weekdays=WEEKDAYS_ALL, zone=NEW_YORK
    )
    assert [(s.key, s.due_utc) for s in fall] == [
        ("2026-11-01T01:30", utc(2026, 11, 1, 5, 30)),
        ("2026-11-01T02:30", utc(2026, 11, 1, 7, 30)),
    ]
    slot = next_slot(utc(2026, 11, 1, 5, 30), times=times, weekdays=WEEKDAYS_ALL, zone=NEW_YORK)
    assert slot is not None
    assert slot.key == "2026-11-01T02:30"


@pytest.mark.parametrize(
    ("zone", "days", "before", "after"),
    [
        (BERLIN, (date(2026, 3, 28), date(2026, 3, 29)), utc(2026, 3, 28, 7), utc(2026, 3, 29, 6)),
        (
            BERLIN,
            (date(2026, 10, 24), date(2026, 10, 25)),
            utc(2026, 10, 24, 6),
            utc(2026, 10, 25, 7),
        ),
        (NEW_YORK, (date(2026, 3, 7), date(2026, 3, 8)), utc(2026, 3, 7, 13), utc(2026, 3, 8, 12)),
        (
            NEW_YORK,
            (date(2026, 10, 31), date(2026, 11, 1)),
            utc(2026, 10, 31, 12),
            utc(2026, 11, 1, 13),
        ),
    ],
)
def test_daily_slot_keeps_local_time_across_dst(
    zone: str, days: tuple[date, date], before: datetime, after: datetime
) -> None:
    found = slots_between(
        datetime.combine(days[0], time(0), tzinfo=ZoneInfo(zone)),
        datetime.combine(days[1] + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone)),
        times=(time(8, 0),),
        weekdays=WEEKDAYS_ALL,
        zone=zone,
    )
    assert [s.due_utc for s in found] == [before, after]
    assert [s.due_utc.astimezone(ZoneInfo(zone)).time() for s in found] == [time(8, 0)] * 2
    assert abs((after - before) - timedelta(days=1)) == timedelta(hours=1)


# Times in and around each zone's gap and overlap; none is shifted onto another.
_HOUR_DST_TIMES = (
    time(0, 30),
    time(1, 30),
    time(2, 0),
    time(2, 15),
    time(2, 30),
    time(8, 0),
    time(23, 30),
)
_LORD_HOWE_TIMES = (time(0, 30), time(1, 30), time(1, 45), time(2, 15), time(8, 0), time(23, 30))


@pytest.mark.parametrize(
    ("zone", "start", "times"),
    [
        (BERLIN, date(2026, 3, 26), _HOUR_DST_TIMES),
        (BERLIN, date(2026, 10, 22), _HOUR_DST_TIMES),
        (NEW_YORK, date(2026, 3, 5), _HOUR_DST_TIMES),
        (NEW_YORK, date(2026, 10, 29), _HOUR_DST_TIMES),
        (LORD_HOWE, date(2026, 4, 2), _LORD_HOWE_TIMES),
        (LORD_HOWE, date(2026, 10, 1), _LORD_HOWE_TIMES),
    ],
)
def test_dst_week_has_one_slot_per_local_day_per_time(
    zone: str, start: date, times: tuple[time, ...]
) -> None:
    tz = ZoneInfo(zone)
    begin = local_to_utc(start, time(0, 0), tz)
    end = local_to_utc(start + timedelta(days=7), time(0, 0), tz)
    found = slots_between(begin, end, times=times, weekdays=WEEKDAYS_ALL, zone=zone)
    expected_keys = sorted(
        f"{(start + timedelta(days=d)).isoformat()}T{t:%H:%M}" for d in range(7) for t in times
    )
    assert sorted(s.key for s in found) == expected_keys
    assert len({s.due_utc for s in found}) == len(found)
    assert [s.due_utc for s in found] == sorted(s.due_utc for s in found)
    assert walk(begin, end, times=times, weekdays=WEEKDAYS_ALL, zone=zone) == found


def test_lord_howe_half_hour_dst() -> None:
    # DST starts 2026-10-04 at 02:00 (+10:30 -> +11:00): 02:15 moves to 02:45.
    spring = slots_between(
        utc(2026, 10, 3, 12),
        utc(2026, 10, 4, 12),
        times=(time(2, 15), time(8, 0)),
        weekdays=WEEKDAYS_ALL,
        zone=LORD_HOWE,
    )
    assert [(s.key, s.due_utc) for s in spring] == [
        ("2026-10-04T02:15", utc(2026, 10, 3, 15, 45)),
        ("2026-10-04T08:00", utc(2026, 10, 3, 21, 0)),
    ]
    assert spring[0].due_utc.astimezone(ZoneInfo(LORD_HOWE)).time() == time(2, 45)
    # DST ends 2026-04-05 at 02:00 (back to 01:30): 01:45 happens twice, sent once.
    fall = slots_between(
        utc(2026, 4, 4, 12),
        utc(2026, 4, 5, 12),
        times=(time(1, 45), time(8, 0)),
        weekdays=WEEKDAYS_ALL,
        zone=LORD_HOWE,
    )
    assert [(s.key, s.due_utc) for s in fall] == [
        ("2026-04-05T01:45", utc(2026, 4, 4, 14, 45)),
        ("2026-04-05T08:00", utc(2026, 4, 4, 21, 30)),
    ]


def test_gap_slots_falling_due_together_collapse() -> None:
    # On 2026-03-29 in Berlin both 02:30 (shifted) and 03:30 are due at 01:30 UTC.
    found = slots_between(
        utc(2026, 3, 29),
        utc(2026, 3, 29, 3),
        times=(time(2, 30), time(3, 30)),
        weekdays=WEEKDAYS_ALL,
        zone=BERLIN,
    )
    assert [(s.key, s.due_utc) for s in found] == [("2026-03-29T02:30", utc(2026, 3, 29, 1, 30))]


def test_gap_slot_due_after_a_later_scheduled_time() -> None:
    # 03:00 (01:00 UTC) is due before the shifted 02:30 (01:30 UTC) on spring-forward day.
    found = walk(
        utc(2026, 3, 29),
        utc(2026, 3, 29, 3),
        times=(time(2, 30), time(3, 0)),
        weekdays=WEEKDAYS_ALL,
        zone=BERLIN,
    )
    assert [(s.key, s.due_utc) for s in found] == [
        ("2026-03-29T03:00", utc(2026, 3, 29, 1, 0)),
        ("2026-03-29T02:30", utc(2026, 3, 29, 1, 30)),
    ]


def test_midnight_transition_zone() -> None:
    # Santiago springs forward at 24:00 on 2026-09-05: 00:30 on 09-06 does not exist.
    found = slots_between(
        utc(2026, 9, 5, 12),
        utc(2026, 9, 7, 3),
        times=(time(0, 30), time(23, 30)),
        weekdays=WEEKDAYS_ALL,
        zone="America/Santiago",
    )
    assert [s.key for s in found] == ["2026-09-05T23:30", "2026-09-06T00:30", "2026-09-06T23:30"]
    assert found[1].due_utc == utc(2026, 9, 6, 4, 30)


# slots_between


def test_slots_between_half_open_interval() -> None:
    found = slots_between(
        utc(2026, 1, 15, 8),
        utc(2026, 1, 16, 8),
        times=(time(8, 0),),
        weekdays=WEEKDAYS_ALL,
        zone="UTC",
    )
    assert [s.key for s in found] == ["2026-01-15T08:00"]
    assert (
        slots_between(
            utc(2026, 1, 16),
            utc(2026, 1, 15),
            times=(time(8, 0),),
            weekdays=WEEKDAYS_ALL,
            zone="UTC",
        )
        == []
    )


def test_slots_between_weekdays_over_a_month() -> None:
    found = slots_between(
        utc(2026, 2, 1),
        utc(2026, 3, 1),
        times=(time(9, 0), time(18, 0)),
        weekdays=WEEKDAYS_WORK,
        zone=BERLIN,
    )
    assert len(found) == 20 * 2
    assert all(s.local_date.weekday() < 5 for s in found)
    assert len({s.key for s in found}) == len(found)


def test_slots_between_matches_walking_next_slot_over_a_year() -> None:
    tz = ZoneInfo(NEW_YORK)
    times = (time(2, 30), time(9, 0), time(21, 0))
    weekdays = frozenset({0, 2, 4, 6})
    start = local_to_utc(date(2026, 1, 1), time(0, 0), tz)
    end = local_to_utc(date(2027, 1, 1), time(0, 0), tz)
    expected = slots_between(start, end, times=times, weekdays=weekdays, zone=NEW_YORK)
    assert walk(start, end, times=times, weekdays=weekdays, zone=NEW_YORK) == expected
    days = [date(2026, 1, 1) + timedelta(days=d) for d in range(365)]
    assert len(expected) == 3 * sum(1 for day in days if day.weekday() in weekdays)


# pause_until


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("today", utc(2026, 1, 15, 23, 0)),
        ("3d", utc(2026, 1, 17, 23, 0)),
        ("week", utc(2026, 1, 21, 23, 0)),
        ("forever", None),
    ],
)
def test_pause_until(choice: str, expected: datetime | None) -> None:
    # Thursday 2026-01-15 14:05 in Berlin.
    assert pause_until(choice, utc(2026, 1, 15, 13, 5), BERLIN) == expected


def test_pause_until_across_dst_ends_at_local_midnight() -> None:
    now = utc(2026, 3, 26, 12)
    until = pause_until("week", now, BERLIN)
    assert until == utc(2026, 4, 1, 22, 0)
    assert until.astimezone(ZoneInfo(BERLIN)) == datetime(2026, 4, 2, tzinfo=ZoneInfo(BERLIN))


def test_pause_until_uses_local_day() -> None:
    # 23:30 UTC on Jan 15 is already Jan 16 in Berlin.
    assert pause_until("today", utc(2026, 1, 15, 23, 30), BERLIN) == utc(2026, 1, 16, 23, 0)


def test_pause_until_unknown_choice() -> None:
    assert set(PAUSE_CHOICES) == {"today", "3d", "week", "forever"}
    for choice in ("", "tomorrow", "Today", "2d"):
        with pytest.raises(ValueError):
            pause_until(choice, utc(2026, 1, 15), BERLIN)


# weekly_slot


def test_weekly_slot_default_sunday_evening() -> None:
    # Thursday 2026-01-15 -> Sunday 2026-01-18 18:00 CET.
    slot = weekly_slot(utc(2026, 1, 15, 12), zone=BERLIN)
    assert slot == Slot(date(2026, 1, 18), time(18, 0), utc(2026, 1, 18, 17, 0))


def test_weekly_slot_after_this_weeks_moment() -> None:
    slot = weekly_slot(utc(2026, 1, 18, 17, 0), weekday=6, at=time(18, 0), zone=BERLIN)
    assert slot.key == "2026-01-25T18:00"
    slot = weekly_slot(utc(2026, 3, 28), weekday=6, at=time(18, 0), zone=BERLIN)
    assert slot == Slot(date(2026, 3, 29), time(18, 0), utc(2026, 3, 29, 16, 0))


def test_weekly_slot_other_day() -> None:
    slot = weekly_slot(utc(2026, 1, 15, 12), weekday=0, at=time(9, 30), zone=NEW_YORK)
    assert slot == Slot(date(2026, 1, 19), time(9, 30), utc(2026, 1, 19, 14, 30))


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    at = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert months_before(at, 6) == datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    assert months_before(at, 12) == datetime(2025, 11, 10, 9, 0, tzinfo=UTC)
    assert months_before(datetime(2026, 8, 31, tzinfo=UTC), 6) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2028, 8, 31, tzinfo=UTC), 6) == datetime(2028, 2, 29, tzinfo=UTC)
