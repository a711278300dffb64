"""Showing the settings: the menu and one screen per setting."""

from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.core.delivery_rules import weekdays_from_mask
from bot.core.schedule import (
    in_quiet_hours,
)
from bot.delivery.planning import is_paused
from bot.flow import MAX_TEXT, Exchange
from bot.storage.models import CheckinSchedule
from bot.ui import settings_keyboards
from bot.ui.calendar import format_times, format_weekdays, month, weekday
from handlers.checkin_settings.base import (
    CurrentSettings,
)

log = logging.getLogger(__name__)


def when(exchange: Exchange, instant: datetime, *, until: bool = False) -> str:
    """A moment in the person's local time: "today at 20:00", "Thursday 00:00"..."""
    zone = ZoneInfo(exchange.user.time_zone or "UTC")
    local = instant.astimezone(zone)
    days = (local.date() - exchange.now.astimezone(zone).date()).days
    if until:
        key = "settings.until.weekday" if days < 7 else "settings.until.date"
    elif days <= 0:
        key = "settings.when.today"
    elif days == 1:
        key = "settings.when.tomorrow"
    else:
        key = "settings.when.weekday" if days < 7 else "settings.when.date"
    return exchange.t(
        key,
        time=f"{local:%H:%M}",
        weekday=weekday(local.weekday(), exchange.language),
        day=local.day,
        month=month(local.month, exchange.language),
    )


def _range(exchange: Exchange, start: time, end: time) -> str:
    return exchange.t("settings.range", start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def _quiet(schedule: CheckinSchedule) -> tuple[time, time] | None:
    if schedule.quiet_start is None or schedule.quiet_end is None:
        return None
    return schedule.quiet_start, schedule.quiet_end


def _days_label(schedule: CheckinSchedule, language: str | None) -> str:
    return format_weekdays(weekdays_from_mask(schedule.weekdays), language)


def _summary_line(exchange: Exchange, schedule: CheckinSchedule) -> str:
    if not schedule.summary_enabled:
        return exchange.t("settings.summary_off")
    return exchange.t(
        "settings.summary_on",
        weekdays=weekday(schedule.summary_weekday, exchange.language, form="weekdays"),
        time=f"{schedule.summary_time:%H:%M}",
    )


def state_line(exchange: Exchange, snap: CurrentSettings) -> str:
    """On, off or paused, with the times and days."""
    schedule = snap.schedule
    times, days = (
        format_times(snap.times, exchange.language),
        _days_label(schedule, exchange.language),
    )
    if not schedule.enabled:
        if snap.times:
            return exchange.t("settings.status_off_with_times", times=times)
        return exchange.t("settings.status_off")
    if not snap.times:
        return exchange.t("settings.status_no_times")
    if is_paused(schedule, exchange.now):
        if schedule.paused_until is None:
            return exchange.t("settings.status_paused_forever", times=times, days=days)
        until = when(exchange, schedule.paused_until, until=True)
        return exchange.t("settings.status_paused", until=until, times=times, days=days)
    return exchange.t("settings.status_on", times=times, days=days)


def status(exchange: Exchange, snap: CurrentSettings) -> str:
    """What is set, in the person's words and local time."""
    schedule = snap.schedule
    lines = [state_line(exchange, snap)]
    quiet = _quiet(schedule)
    if quiet is not None:
        lines.append(exchange.t("settings.quiet", range=_range(exchange, *quiet)))
        hushed = [at for at in snap.times if in_quiet_hours(at, *quiet)]
        if schedule.enabled and hushed:
            lines.append(
                exchange.t("settings.quiet_skips", times=format_times(hushed, exchange.language))
            )
    lines.append(_summary_line(exchange, schedule))
    if snap.next_due is not None:
        lines.append(exchange.t("settings.next", when=when(exchange, snap.next_due)))
    return "\n".join(lines)


def join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


def menu(
    exchange: Exchange, snap: CurrentSettings, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    schedule = snap.schedule
    keyboard = settings_keyboards.settings_menu(
        exchange.language, enabled=schedule.enabled, paused=is_paused(schedule, exchange.now)
    )
    return join(note, exchange.t("settings.title"), status(exchange, snap)), keyboard


def times_screen(
    exchange: Exchange, snap: CurrentSettings, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    now = (
        exchange.t("settings.times", times=format_times(snap.times, exchange.language))
        if snap.times
        else exchange.t("settings.times_none")
    )
    text = join(note, now, exchange.t("settings.times_help"))
    return text, settings_keyboards.settings_times(snap.times, exchange.language)


def days_screen(exchange: Exchange, snap: CurrentSettings) -> tuple[str, InlineKeyboardMarkup]:
    weekdays = weekdays_from_mask(snap.schedule.weekdays)
    text = join(
        exchange.t("settings.days", days=_days_label(snap.schedule, exchange.language)),
        exchange.t("settings.days_help"),
    )
    return text, settings_keyboards.settings_days(weekdays, exchange.language)


def quiet_screen(
    exchange: Exchange, snap: CurrentSettings, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    quiet = _quiet(snap.schedule)
    now = (
        exchange.t("settings.quiet_screen", range=_range(exchange, *quiet))
        if quiet is not None
        else exchange.t("settings.quiet_none")
    )
    text = join(note, now, exchange.t("settings.quiet_help"))
    return text, settings_keyboards.settings_quiet(quiet, exchange.language)


def summary_screen(exchange: Exchange, snap: CurrentSettings) -> tuple[str, InlineKeyboardMarkup]:
    schedule = snap.schedule
    text = join(
        exchange.t("settings.summary_intro"),
        _summary_line(exchange, schedule),
        exchange.t("settings.summary_help"),
    )
    keyboard = settings_keyboards.settings_summary(
        exchange.language,
        enabled=schedule.summary_enabled,
        weekday=schedule.summary_weekday,
        at=schedule.summary_time,
    )
    return text, keyboard


async def show(exchange: Exchange, screen: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """Show a screen in place of the pressed message, or as a new message after typing."""
    text, keyboard = screen
    query = exchange.update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or not message.text:
        await exchange.say(text, keyboard)
        return
    found: Message = message

    async def edit() -> None:
        try:
            await found.edit_text(text[:MAX_TEXT], reply_markup=keyboard)
        except BadRequest as exc:  # unchanged (a double tap), or too old to edit
            log.debug("could not show settings: %s", exc.message)

    exchange.outbox.append(edit)
