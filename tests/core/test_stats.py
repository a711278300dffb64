"""Tests for the period statistics behind the weekly summary."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from bot.core.samples import BreakRecord, PracticeRecord, Rating
from bot.core.stats import DayStats, period_bounds, round1, summarize, time_of_day

UTC = dt.UTC
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
# Sunday 25 October 2026, 20:00 UTC; the week runs Monday 19 to Sunday 25.
END = dt.datetime(2026, 10, 25, 20, 0, tzinfo=UTC)


def at_local(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    """An aware UTC instant for a local wall-clock time in ``zone``."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def rating(when: dt.datetime, value: int, *tags: str, kind: str = "checkin") -> Rating:
    return Rating(at=when, value=value, kind=kind, tags=tags)


def utc_ratings(values: list[int], day: int = 21, hour: int = 10) -> list[Rating]:
    """Ratings an hour apart on one October 2026 day (UTC)."""
    return [
        rating(dt.datetime(2026, 10, day, hour, 0, tzinfo=UTC) + dt.timedelta(hours=i), v)
        for i, v in enumerate(values)
    ]


def test_empty_period() -> None:
    s = summarize([], [], zone="UTC", period_end=END)
    assert (s.start, s.end) == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    assert s.count == 0
    assert (s.mean, s.min, s.max) == (None, None, None)
    assert s.change_from_previous is None
    assert (s.breaks_taken, s.breaks_completed, s.average_break_change) == (0, 0, None)
    assert s.hardest_time_of_day is None and s.easiest_time_of_day is None
    assert s.hardest_weekday is None and s.easiest_weekday is None
    assert s.top_tags == ()
    assert s.days_with_ratings == 0
    assert s.is_sparse is True
    assert s.is_hard_week is False
    assert s.period_days == 7
    assert [d.date for d in s.days] == [dt.date(2026, 10, 19 + i) for i in range(7)]
    assert all(d == DayStats(d.date, 0, None, None, None) for d in s.days)


def test_single_rating() -> None:
    s = summarize(
        [rating(dt.datetime(2026, 10, 22, 9, tzinfo=UTC), 7)], [], zone="UTC", period_end=END
    )
    assert (s.count, s.mean, s.min, s.max) == (1, 7.0, 7, 7)
    assert s.days_with_ratings == 1
    assert s.is_sparse is True
    assert s.is_hard_week is False
    assert s.days[3] == DayStats(dt.date(2026, 10, 22), 1, 7.0, 7, 7)
    assert s.days[2].count == 0 and s.days[2].mean is None


def test_all_equal_ratings() -> None:
    s = summarize(utc_ratings([4, 4, 4, 4, 4]), [], zone="UTC", period_end=END)
    assert (s.count, s.mean, s.min, s.max) == (5, 4.0, 4, 4)
    assert s.is_sparse is False
    assert s.is_hard_week is True
    assert s.hardest_time_of_day is None and s.easiest_time_of_day is None
    assert s.days[2] == DayStats(dt.date(2026, 10, 21), 5, 4.0, 4, 4)


def test_mean_and_day_stats_round_half_away_from_zero() -> None:
    s = summarize(utc_ratings([2, 2, 3, 2]), [], zone="UTC", period_end=END)
    assert s.mean == 2.3  # 9/4 = 2.25
    assert s.days[2] == DayStats(dt.date(2026, 10, 21), 4, 2.3, 2, 3)
    s = summarize(utc_ratings([5, 6, 6]), [], zone="UTC", period_end=END)
    assert s.mean == 5.7  # 17/3 = 5.666...


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(9, 4), 2.3),
        (Fraction(-9, 4), -2.3),
        (Fraction(1, 4), 0.3),
        (Fraction(-1, 4), -0.3),
        (Fraction(-1, 20), -0.1),
        (Fraction(21, 100), 0.2),
        (Fraction(7), 7.0),
    ],
)
def test_round1(value: Fraction, expected: float) -> None:
    assert round1(value) == expected


def test_round1_never_negative_zero() -> None:
    assert math.copysign(1.0, round1(Fraction(-1, 30))) == 1.0


def test_hard_week_threshold_uses_rounded_mean() -> None:
    assert summarize(utc_ratings([4, 4, 4]), [], zone="UTC", period_end=END).is_hard_week
    # 4.04 shows as 4.0, so it is a hard week too
    values = [4] * 24 + [5]
    assert summarize(utc_ratings(values, hour=0), [], zone="UTC", period_end=END).is_hard_week
    assert not summarize(utc_ratings([4, 4, 5]), [], zone="UTC", period_end=END).is_hard_week
    two_low = summarize(utc_ratings([1, 1]), [], zone="UTC", period_end=END)
    assert two_low.is_sparse and not two_low.is_hard_week


def test_period_bounds_and_month_length() -> None:
    assert period_bounds(END, "UTC") == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    s = summarize([], [], zone="UTC", period_end=END, days=30)
    assert (s.start, s.end, s.period_days) == (dt.date(2026, 9, 26), dt.date(2026, 10, 25), 30)
    assert len({d.date for d in s.days}) == 30


def test_period_end_local_day_decides_the_period() -> None:
    # 23:30 UTC on the 25th is already Monday the 26th in Berlin
    late = dt.datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    assert period_bounds(late, BERLIN) == (dt.date(2026, 10, 20), dt.date(2026, 10, 26))
    assert period_bounds(late, NEW_YORK) == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))


def test_berlin_dst_week_has_seven_local_days() -> None:
    # Summer time ends on Sunday 25 October 2026 in Berlin.
    period_end = dt.datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 CET, Sunday 25th
    ratings = [
        rating(at_local(BERLIN, 2026, 10, 18, 23, 30), 1),  # Sunday before: outside
        rating(at_local(BERLIN, 2026, 10, 19, 0, 30), 2),  # 22:30 UTC on the 18th
        rating(at_local(BERLIN, 2026, 10, 19, 23, 30), 3),  # 21:30 UTC
        rating(at_local(BERLIN, 2026, 10, 25, 1, 30), 4),  # before the clocks go back
        rating(at_local(BERLIN, 2026, 10, 25, 23, 30), 5),  # 22:30 UTC, after the switch
        rating(at_local(BERLIN, 2026, 10, 26, 0, 30), 6),  # Monday after: outside
    ]
    assert ratings[1].at.date() == dt.date(2026, 10, 18)
    s = summarize(ratings, [], zone=BERLIN, period_end=period_end)
    assert [d.date for d in s.days] == [dt.date(2026, 10, 19 + i) for i in range(7)]
    assert [d.count for d in s.days] == [2, 0, 0, 0, 0, 0, 2]
    assert s.days[0] == DayStats(dt.date(2026, 10, 19), 2, 2.5, 2, 3)
    assert s.days[6] == DayStats(dt.date(2026, 10, 25), 2, 4.5, 4, 5)
    assert s.count == 4
    assert s.days_with_ratings == 2


def test_new_york_dst_week_has_seven_local_days() -> None:
    # Daylight saving time starts on Sunday 8 March 2026 in New York.
    period_end = dt.datetime(2026, 3, 9, 3, 45, tzinfo=UTC)  # 23:45 EDT, Sunday 8th
    ratings = [rating(at_local(NEW_YORK, 2026, 3, day, 23, 30), day) for day in range(1, 10)]
    # 23:30 local is already the next day in UTC
    assert all(r.at.date() == dt.date(2026, 3, r.value) + dt.timedelta(days=1) for r in ratings)
    s = summarize(ratings, [], zone=NEW_YORK, period_end=period_end)
    assert (s.start, s.end) == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert len(s.days) == 7
    assert [(d.date.day, d.count, d.mean) for d in s.days] == [
        (day, 1, float(day)) for day in range(2, 9)
    ]
    assert s.count == 7
    assert (s.min, s.max) == (2, 8)
    assert s.days_with_ratings == 7


def test_breaks_average_change_only_completed_with_both_ratings() -> None:
    day = dt.datetime(2026, 10, 21, 12, tzinfo=UTC)
    breaks = [
        BreakRecord(day, before=4, after=7, completed=True),  # +3
        BreakRecord(day + dt.timedelta(hours=2), before=2, after=3, completed=True),  # +1
        BreakRecord(day + dt.timedelta(hours=3), before=5, after=5, completed=True),  # 0
        BreakRecord(day + dt.timedelta(hours=4), before=3, after=None, completed=True),
        BreakRecord(day + dt.timedelta(hours=5), before=None, after=8, completed=True),
        BreakRecord(day + dt.timedelta(hours=6), before=1, after=9, completed=False),
        BreakRecord(day - dt.timedelta(days=10), before=0, after=10, completed=True),  # outside
    ]
    s = summarize([], breaks, zone="UTC", period_end=END)
    assert s.breaks_taken == 6
    assert s.breaks_completed == 5
    assert s.average_break_change == 1.3  # 4/3


def test_breaks_negative_and_missing_average() -> None:
    day = dt.datetime(2026, 10, 21, 12, tzinfo=UTC)
    down = [BreakRecord(day, 6, 4, True), BreakRecord(day, 5, 4, True)]
    assert summarize([], down, zone="UTC", period_end=END).average_break_change == -1.5
    unrated = [BreakRecord(day, None, None, True), BreakRecord(day, 3, 6, False)]
    s = summarize([], unrated, zone="UTC", period_end=END)
    assert (s.breaks_taken, s.breaks_completed, s.average_break_change) == (2, 1, None)


def test_practices_are_counted_apart_from_breaks() -> None:
    day = dt.datetime(2026, 10, 21, 12, tzinfo=UTC)
    practices = [
        PracticeRecord(day, before=3, after=6, completed=True, kind="critic"),  # +3
        PracticeRecord(day, before=4, after=4, completed=True, kind="soothe"),  # 0
        PracticeRecord(day, before=None, after=None, completed=True, kind="gratitude"),
        PracticeRecord(day, before=2, after=9, completed=False, kind="friend"),  # stopped
        PracticeRecord(day - dt.timedelta(days=9), before=0, after=9, completed=True),  # outside
    ]
    breaks = [BreakRecord(day, before=4, after=5, completed=True)]
    s = summarize([], breaks, zone="UTC", period_end=END, practices=practices)
    assert (s.practices_taken, s.practices_completed, s.average_practice_change) == (4, 3, 1.5)
    assert (s.breaks_taken, s.average_break_change) == (1, 1.0)  # breaks unchanged
    none = summarize([], breaks, zone="UTC", period_end=END)
    assert (none.practices_taken, none.average_practice_change) == (0, None)


def test_break_placed_on_its_local_day() -> None:
    # 00:30 on Monday 19th in Berlin is 22:30 UTC on Sunday 18th
    record = BreakRecord(at_local(BERLIN, 2026, 10, 19, 0, 30), 3, 5, True)
    assert summarize([], [record], zone=BERLIN, period_end=END).breaks_taken == 1
    assert summarize([], [record], zone="UTC", period_end=END).breaks_taken == 0


def test_change_from_previous_needs_enough_ratings_in_both_periods() -> None:
    current = utc_ratings([6, 6, 6])
    prev_day = 15  # Thursday of the week before
    assert (
        summarize(current, [], zone="UTC", period_end=END, previous=utc_ratings([4, 5], prev_day))
    ).change_from_previous is None
    enough = utc_ratings([4, 5, 3], prev_day)
    assert (
        summarize(current, [], zone="UTC", period_end=END, previous=enough).change_from_previous
        == 2.0
    )
    two_now = utc_ratings([6, 6])
    assert (
        summarize(two_now, [], zone="UTC", period_end=END, previous=enough).change_from_previous
        is None
    )
    lower = summarize(
        utc_ratings([3, 3, 4]), [], zone="UTC", period_end=END, previous=utc_ratings([5, 5, 5], 14)
    )
    assert lower.change_from_previous == -1.7  # 10/3 - 5
    same = summarize(current, [], zone="UTC", period_end=END, previous=utc_ratings([6, 6, 6], 12))
    assert same.change_from_previous == 0.0


def test_previous_ratings_outside_the_previous_period_are_ignored() -> None:
    current = utc_ratings([6, 6, 6])
    previous = [
        *utc_ratings([4, 4], 13),  # in the previous week (12th to 18th)
        *utc_ratings([0, 0, 0], 5),  # two weeks before: ignored
        *utc_ratings([10, 10, 10], 20),  # in the current week: ignored
    ]
    s = summarize(current, [], zone="UTC", period_end=END, previous=previous)
    assert s.change_from_previous is None
    previous.append(rating(dt.datetime(2026, 10, 18, 23, 59, tzinfo=UTC), 1))
    s = summarize(current, [], zone="UTC", period_end=END, previous=previous)
    assert s.change_from_previous == 3.0  # 6 - 3


@pytest.mark.parametrize(
    ("hour", "bucket"),
    [
        (0, "night"),
        (4, "night"),
        (5, "morning"),
        (11, "morning"),
        (12, "afternoon"),
        (16, "afternoon"),
        (17, "evening"),
        (21, "evening"),
        (22, "night"),
        (23, "night"),
    ],
)
def test_time_of_day_buckets(hour: int, bucket: str) -> None:
    assert time_of_day(hour) == bucket


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=UTC)


def test_hardest_and_easiest_time_of_day() -> None:
    ratings = [
        rating(_at(20, 8), 3),
        rating(_at(21, 9), 4),  # morning 3.5
        rating(_at(20, 19), 7),
        rating(_at(22, 20), 8),  # evening 7.5
        rating(_at(23, 13), 1),  # afternoon has only one rating: left out
    ]
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert (s.hardest_time_of_day, s.easiest_time_of_day) == ("morning", "evening")


def test_time_of_day_uses_local_hours() -> None:
    # 12:30 and 13:30 UTC are mornings in New York (EDT, UTC-4)
    ratings = [rating(_at(20, 12, 30), 2), rating(_at(21, 13, 30), 2)]
    ratings += [rating(_at(20, 23), 6), rating(_at(21, 23), 6)]  # 19:00 local: evening
    s = summarize(ratings, [], zone=NEW_YORK, period_end=END)
    assert (s.hardest_time_of_day, s.easiest_time_of_day) == ("morning", "evening")
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert (s.hardest_time_of_day, s.easiest_time_of_day) == ("afternoon", "night")


def test_time_of_day_needs_a_clear_difference() -> None:
    exactly_half = [rating(_at(20, 8), 5), rating(_at(21, 8), 5)]
    exactly_half += [rating(_at(20, 19), 5), rating(_at(21, 19), 6)]
    s = summarize(exactly_half, [], zone="UTC", period_end=END)
    assert (s.hardest_time_of_day, s.easiest_time_of_day) == ("morning", "evening")
    small = [rating(_at(20, 8), 5), rating(_at(21, 8), 5)]
    small += [rating(_at(d, 19), v) for d, v in [(20, 5), (21, 5), (22, 5), (23, 5), (24, 6)]]
    s = summarize(small, [], zone="UTC", period_end=END)
    assert (s.hardest_time_of_day, s.easiest_time_of_day) == (None, None)
    one_bucket = [rating(_at(20, 8), 1), rating(_at(21, 8), 9), rating(_at(22, 19), 9)]
    s = summarize(one_bucket, [], zone="UTC", period_end=END)
    assert (s.hardest_time_of_day, s.easiest_time_of_day) == (None, None)


def test_hardest_and_easiest_weekday() -> None:
    ratings = [
        rating(_at(19, 8), 2),
        rating(_at(19, 18), 3),  # Monday 2.5
        rating(_at(21, 8), 6),
        rating(_at(21, 18), 7),  # Wednesday 6.5
        rating(_at(23, 8), 0),  # Friday: one rating only
    ]
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert (s.hardest_weekday, s.easiest_weekday) == (0, 2)


def test_weekday_ties_go_to_the_earlier_day() -> None:
    ratings = [
        rating(_at(day, hour), value)
        for day, value in [(19, 2), (20, 2), (21, 8)]
        for hour in (8, 18)
    ]
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert (s.hardest_weekday, s.easiest_weekday) == (0, 2)


def test_weekday_pattern_needs_two_qualifying_days() -> None:
    ratings = [rating(_at(19, 8), 1), rating(_at(19, 18), 1), rating(_at(20, 8), 9)]
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert (s.hardest_weekday, s.easiest_weekday) == (None, None)


def test_top_tags_most_frequent_then_alphabetical() -> None:
    ratings = [
        rating(_at(20, 8), 5, "calm", "tired"),
        rating(_at(20, 9), 5, "calm", "hopeful", "calm"),  # a repeated tag counts once
        rating(_at(20, 10), 5, "calm", "anxious"),
        rating(_at(20, 11), 5, "tired", "hopeful", "sad"),
        rating(_at(20, 12), 5, "anxious"),
        rating(_at(1, 12), 5, "lonely", "lonely"),  # outside the period
    ]
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert s.top_tags == (("calm", 3), ("anxious", 2), ("hopeful", 2))


def test_every_kind_counts_as_a_mood_sample() -> None:
    ratings = [
        rating(_at(20, 8), 2, kind="checkin"),
        rating(_at(20, 9), 4, kind="break_before"),
        rating(_at(20, 10), 6, kind="break_after"),
        rating(_at(20, 11), 8, kind="quick"),
    ]
    s = summarize(ratings, [], zone="UTC", period_end=END)
    assert (s.count, s.mean) == (4, 5.0)


def test_invalid_input_is_rejected() -> None:
    naive = dt.datetime(2026, 10, 20, 8)  # noqa: DTZ001
    with pytest.raises(ValueError):
        Rating(naive, 5, "checkin")
    with pytest.raises(ValueError):
        Rating(_at(20, 8), 11, "checkin")
    with pytest.raises(ValueError):
        Rating(_at(20, 8), -1, "checkin")
    with pytest.raises(ValueError):
        Rating(_at(20, 8), 5, "mood")
    with pytest.raises(ValueError):
        BreakRecord(naive, 3, 4, True)
    with pytest.raises(ValueError):
        BreakRecord(_at(20, 8), 3, 12, True)
    with pytest.raises(ValueError):
        summarize([], [], zone="UTC", period_end=naive)
    with pytest.raises(ValueError):
        summarize([], [], zone="UTC", period_end=END, days=0)
