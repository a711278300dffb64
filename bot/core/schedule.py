"""Check-in schedule arithmetic: local wall-clock plans turned into UTC instants.

A schedule is a set of local times of day, a set of local weekdays (0 = Monday ..
6 = Sunday), an IANA zone and optional quiet hours. Every scheduled moment is a
``Slot``: the local day and local time the person asked for, plus the UTC instant
it is due. Times of day are used at minute precision.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS_ALL: frozenset[int] = frozenset(range(7))
WEEKDAYS_WORK: frozenset[int] = frozenset(range(5))
WEEKDAYS_WEEKEND: frozenset[int] = frozenset({5, 6})

WEEKLY_SUMMARY_WEEKDAY = 6
WEEKLY_SUMMARY_TIME = time(18, 0)

PAUSE_CHOICES: tuple[str, ...] = ("today", "3d", "week", "forever")
_PAUSE_DAYS = {"today": 1, "3d": 3, "week": 7}

# A DST transition next to midnight can make a slot fall due on a neighbouring local
# day, so searches look one local day further on each side. Seven days ahead always
# reaches every weekday again.
_DAY_MARGIN = 1
_DAYS_AHEAD = 7


@dataclass(frozen=True)
class Slot:
    """One scheduled moment: the local day and time asked for, and when it is due in UTC."""

    local_date: date
    local_time: time
    due_utc: datetime

    @property
    def key(self) -> str:
        """A stable unique key per user, e.g. "2026-03-29T02:30" (scheduled local date and time)."""
        return f"{self.local_date.isoformat()}T{self.local_time:%H:%M}"


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware UTC instant of the local wall time ``at`` on ``day`` in ``zone``.

    A wall time that does not exist (spring-forward gap) moves forward by the length
    of the gap: 02:30 on the day Europe/Berlin jumps from 02:00 to 03:00 becomes
    03:30 local (01:30 UTC). A wall time that happens twice (fall-back overlap) means
    its first occurrence: 01:30 on the day America/New_York falls back is 01:30 EDT.
    """
    if at.tzinfo is not None:
        raise ValueError("the time of day must be naive (a local wall time)")
    local = datetime.combine(day, at.replace(fold=0), tzinfo=zone)
    return local.astimezone(UTC)


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    """Whether local time ``local`` falls in the quiet window [start, end), which may wrap midnight.

    No window (either bound None, or start == end) means never quiet.
    """
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def require_aware(instant: datetime, name: str) -> None:
    """Refuse a naive datetime: every instant here is explicit about its zone."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _check_weekdays(weekdays: Iterable[int]) -> None:
    for day in weekdays:
        if day not in WEEKDAYS_ALL:
            raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {day!r}")


def _active_times(
    times: Sequence[time], quiet_start: time | None, quiet_end: time | None
) -> list[time]:
    minutes: set[time] = set()
    for at in times:
        if at.tzinfo is not None:
            raise ValueError("times of day must be naive (local wall times)")
        minutes.add(at.replace(second=0, microsecond=0, fold=0))
    return sorted(at for at in minutes if not in_quiet_hours(at, quiet_start, quiet_end))


def _slots_for_days(
    first: date, last: date, times: list[time], weekdays: frozenset[int], zone: ZoneInfo
) -> list[Slot]:
    """Every slot scheduled on local days first..last, ordered by due instant.

    Slots that fall due at the same instant (possible next to a DST gap) collapse
    into the one with the earliest scheduled local day and time.
    """
    slots: list[Slot] = []
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            slots.extend(Slot(day, at, local_to_utc(day, at, zone)) for at in times)
        day += timedelta(days=1)
    slots.sort(key=lambda s: (s.due_utc, s.local_date, s.local_time))
    unique: list[Slot] = []
    for slot in slots:
        if not unique or unique[-1].due_utc != slot.due_utc:
            unique.append(slot)
    return unique


def next_slot(
    after_utc: datetime,
    *,
    times: Sequence[time],
    weekdays: frozenset[int],
    zone: str,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
) -> Slot | None:
    """The first slot due strictly after ``after_utc``, or None if nothing can ever be due.

    A slot's weekday and quiet hours are judged by its scheduled local day and time. A
    scheduled time inside quiet hours is skipped, not moved. Each scheduled local time
    yields one slot per matching local day, whatever DST does that day.
    """
    require_aware(after_utc, "after_utc")
    _check_weekdays(weekdays)
    active = _active_times(times, quiet_start, quiet_end)
    if not active or not weekdays:
        return None
    tz = ZoneInfo(zone)
    today = after_utc.astimezone(tz).date()
    slots = _slots_for_days(
        today - timedelta(days=_DAY_MARGIN),
        today + timedelta(days=_DAYS_AHEAD),
        active,
        weekdays,
        tz,
    )
    return next((slot for slot in slots if slot.due_utc > after_utc), None)


def slots_between(
    start_utc: datetime,
    end_utc: datetime,
    *,
    times: Sequence[time],
    weekdays: frozenset[int],
    zone: str,
    quiet_start: time | None = None,
    quiet_end: time | None = None,
) -> list[Slot]:
    """Every slot due in [start_utc, end_utc), in order; the same slots ``next_slot`` walks."""
    require_aware(start_utc, "start_utc")
    require_aware(end_utc, "end_utc")
    _check_weekdays(weekdays)
    active = _active_times(times, quiet_start, quiet_end)
    if not active or not weekdays or end_utc <= start_utc:
        return []
    tz = ZoneInfo(zone)
    first = start_utc.astimezone(tz).date() - timedelta(days=_DAY_MARGIN)
    last = end_utc.astimezone(tz).date() + timedelta(days=_DAY_MARGIN)
    slots = _slots_for_days(first, last, active, weekdays, tz)
    return [slot for slot in slots if start_utc <= slot.due_utc < end_utc]


def pause_until(choice: str, now_utc: datetime, zone: str) -> datetime | None:
    """When a pause chosen at ``now_utc`` ends (aware UTC), or None for "forever".

    Pauses cover whole local days and end at local midnight: "today" at the start of
    tomorrow, "3d" at the start of the third local day from today, "week" at the start
    of the seventh (Monday afternoon + "3d" ends Thursday 00:00). Unknown choices raise
    ValueError.
    """
    require_aware(now_utc, "now_utc")
    if choice == "forever":
        return None
    if choice not in _PAUSE_DAYS:
        raise ValueError(f"unknown pause choice {choice!r}; expected one of {PAUSE_CHOICES}")
    tz = ZoneInfo(zone)
    today = now_utc.astimezone(tz).date()
    return local_to_utc(today + timedelta(days=_PAUSE_DAYS[choice]), time(0, 0), tz)


def weekly_slot(
    after_utc: datetime,
    *,
    weekday: int = WEEKLY_SUMMARY_WEEKDAY,
    at: time = WEEKLY_SUMMARY_TIME,
    zone: str,
) -> Slot:
    """The next weekly moment (by default Sunday 18:00 local) strictly after ``after_utc``."""
    slot = next_slot(after_utc, times=(at,), weekdays=frozenset({weekday}), zone=zone)
    if slot is None:
        raise ValueError(f"no weekly slot for weekday {weekday!r} at {at!r}")
    return slot


def months_before(now: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    return now.replace(year=year, month=month, day=min(now.day, monthrange(year, month)[1]))
