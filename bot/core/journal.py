"""Gratitude journal arithmetic: on how many local days this month something was noted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo


def local_day(instant: datetime, zone: str | None) -> date:
    """The person's local date of an aware instant (UTC when the zone is unknown)."""
    return instant.astimezone(ZoneInfo(zone)).date() if zone else instant.date()


def days_noted_this_month(instants: Iterable[datetime], *, now: datetime, zone: str | None) -> int:
    """How many different local days of the current local month have an entry.

    A count of days, never a streak: a gap costs nothing.
    """
    today = local_day(now, zone)
    return len(
        {
            day
            for day in (local_day(i, zone) for i in instants)
            if (day.year, day.month) == (today.year, today.month)
        }
    )
