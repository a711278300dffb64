"""Days, months and lists of times in the person's language, from the catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from bot.core.schedule import WEEKDAYS_ALL, WEEKDAYS_WEEKEND, WEEKDAYS_WORK
from bot.ui.texts import t

_PRESETS = {WEEKDAYS_ALL: "every", WEEKDAYS_WORK: "work", WEEKDAYS_WEEKEND: "weekend"}


def weekday(day: int, language: str | None, *, form: str = "weekday") -> str:
    """Monday is 0: "Monday", or with ``form`` "weekdays" "Mondays", "weekday_short" "Mon"."""
    if day not in WEEKDAYS_ALL:
        raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {day!r}")
    return t(f"calendar.{form}.{day}", language)


def month(number: int, language: str | None, *, short: bool = False) -> str:
    """January is 1: "January", or "Jan" when ``short``."""
    return t(f"calendar.{'month_short' if short else 'month'}.{number}", language)


def join(items: list[str], language: str | None) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    rest = t("calendar.list.separator", language).join(items[:-1])
    return t("calendar.list.last", language, rest=rest, last=items[-1])


def format_times(times: Iterable[time], language: str | None) -> str:
    """Times of day as "08:30, 14:00 and 21:00" (24-hour, sorted, each once)."""
    return join(sorted({f"{at:%H:%M}" for at in times}), language)


def format_weekdays(weekdays: Iterable[int], language: str | None) -> str:
    """Weekdays as "every day", "weekdays", "weekends", "no days" or "Mon, Wed, Fri"."""
    days = frozenset(weekdays)
    names = [weekday(day, language, form="weekday_short") for day in sorted(days)]
    if not days:
        return t("calendar.days.none", language)
    preset = _PRESETS.get(days)
    if preset:
        return t(f"calendar.days.{preset}", language)
    return t("calendar.list.separator", language).join(names)
