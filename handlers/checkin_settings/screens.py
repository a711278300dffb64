"""Showing the settings: the menu and one screen per setting."""

from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.core.delivery_rules import weekdays_from_mask
from bot.core.schedule import (
    format_times,
    format_weekdays,
    in_quiet_hours,
)
from bot.delivery.planning import is_paused
from bot.flow import MAX_TEXT, Turn
from bot.storage.models import CheckinSchedule
from bot.ui import settings_keyboards
from handlers.checkin_settings.base import (
    Snapshot,
)

log = logging.getLogger(__name__)


def when(turn: Turn, instant: datetime, *, until: bool = False) -> str:
    """A moment in the person's local time: "today at 20:00", "Thursday 00:00"..."""
    zone = ZoneInfo(turn.user.time_zone or "UTC")
    local = instant.astimezone(zone)
    days = (local.date() - turn.now.astimezone(zone).date()).days
    if until:
        key = "settings.until.weekday" if days < 7 else "settings.until.date"
    elif days <= 0:
        key = "settings.when.today"
    elif days == 1:
        key = "settings.when.tomorrow"
    else:
        key = "settings.when.weekday" if days < 7 else "settings.when.date"
    return turn.t(
        key,
        time=f"{local:%H:%M}",
        weekday=turn.t(f"settings.weekday.{local.weekday()}"),
        day=local.day,
        month=turn.t(f"settings.month.{local.month}"),
    )


def _range(turn: Turn, start: time, end: time) -> str:
    return turn.t("settings.range", start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def _quiet(schedule: CheckinSchedule) -> tuple[time, time] | None:
    if schedule.quiet_start is None or schedule.quiet_end is None:
        return None
    return schedule.quiet_start, schedule.quiet_end


def _days_label(schedule: CheckinSchedule) -> str:
    return format_weekdays(weekdays_from_mask(schedule.weekdays))


def _summary_line(turn: Turn, schedule: CheckinSchedule) -> str:
    if not schedule.summary_enabled:
        return turn.t("settings.summary_off")
    return turn.t(
        "settings.summary_on",
        weekdays=turn.t(f"settings.weekdays.{schedule.summary_weekday}"),
        time=f"{schedule.summary_time:%H:%M}",
    )


def state_line(turn: Turn, snap: Snapshot) -> str:
    """On, off or paused, with the times and days."""
    schedule = snap.schedule
    times, days = format_times(snap.times), _days_label(schedule)
    if not schedule.enabled:
        if snap.times:
            return turn.t("settings.status_off_with_times", times=times)
        return turn.t("settings.status_off")
    if not snap.times:
        return turn.t("settings.status_no_times")
    if is_paused(schedule, turn.now):
        if schedule.paused_until is None:
            return turn.t("settings.status_paused_forever", times=times, days=days)
        until = when(turn, schedule.paused_until, until=True)
        return turn.t("settings.status_paused", until=until, times=times, days=days)
    return turn.t("settings.status_on", times=times, days=days)


def status(turn: Turn, snap: Snapshot) -> str:
    """What is set, in the person's words and local time."""
    schedule = snap.schedule
    lines = [state_line(turn, snap)]
    quiet = _quiet(schedule)
    if quiet is not None:
        lines.append(turn.t("settings.quiet", range=_range(turn, *quiet)))
        hushed = [at for at in snap.times if in_quiet_hours(at, *quiet)]
        if schedule.enabled and hushed:
            lines.append(turn.t("settings.quiet_skips", times=format_times(hushed)))
    lines.append(_summary_line(turn, schedule))
    if snap.next_due is not None:
        lines.append(turn.t("settings.next", when=when(turn, snap.next_due)))
    return "\n".join(lines)


def join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


def menu(turn: Turn, snap: Snapshot, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    schedule = snap.schedule
    keyboard = settings_keyboards.settings_menu(
        turn.language, enabled=schedule.enabled, paused=is_paused(schedule, turn.now)
    )
    return join(note, turn.t("settings.title"), status(turn, snap)), keyboard


def times_screen(
    turn: Turn, snap: Snapshot, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    now = (
        turn.t("settings.times", times=format_times(snap.times))
        if snap.times
        else turn.t("settings.times_none")
    )
    text = join(note, now, turn.t("settings.times_help"))
    return text, settings_keyboards.settings_times(snap.times, turn.language)


def days_screen(turn: Turn, snap: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    weekdays = weekdays_from_mask(snap.schedule.weekdays)
    text = join(
        turn.t("settings.days", days=_days_label(snap.schedule)), turn.t("settings.days_help")
    )
    return text, settings_keyboards.settings_days(weekdays, turn.language)


def quiet_screen(
    turn: Turn, snap: Snapshot, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    quiet = _quiet(snap.schedule)
    now = (
        turn.t("settings.quiet_screen", range=_range(turn, *quiet))
        if quiet is not None
        else turn.t("settings.quiet_none")
    )
    text = join(note, now, turn.t("settings.quiet_help"))
    return text, settings_keyboards.settings_quiet(quiet, turn.language)


def summary_screen(turn: Turn, snap: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    schedule = snap.schedule
    text = join(
        turn.t("settings.summary_intro"),
        _summary_line(turn, schedule),
        turn.t("settings.summary_help"),
    )
    keyboard = settings_keyboards.settings_summary(
        turn.language,
        enabled=schedule.summary_enabled,
        weekday=schedule.summary_weekday,
        at=schedule.summary_time,
    )
    return text, keyboard


async def show(turn: Turn, screen: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """Show a screen in place of the pressed message, or as a new message after typing."""
    text, keyboard = screen
    query = turn.update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or not message.text:
        await turn.say(text, keyboard)
        return
    found: Message = message

    async def edit() -> None:
        try:
            await found.edit_text(text[:MAX_TEXT], reply_markup=keyboard)
        except BadRequest as exc:  # unchanged (a double tap), or too old to edit
            log.debug("could not show settings: %s", exc.message)

    turn.outbox.append(edit)
