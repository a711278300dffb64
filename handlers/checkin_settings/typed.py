"""Typed answers: times, quiet hours and the summary time."""

from __future__ import annotations

import logging

from bot.core.typed_times import parse_quiet_hours, parse_time_of_day, parse_times
from bot.flow import UNCHANGED, Exchange
from bot.storage.deliveries import get_times
from bot.ui.calendar import format_times
from handlers.checkin_settings.base import (
    MAX_TIMES,
    NO_QUIET,
    NO_SUMMARY,
    NO_TIMES,
    REMOVE,
    add_times,
    changed,
    own_schedule,
    remove_times,
    snapshot,
)
from handlers.checkin_settings.buttons import (
    set_quiet,
)
from handlers.checkin_settings.screens import (
    quiet_screen,
    show,
    summary_screen,
    times_screen,
)

log = logging.getLogger(__name__)


async def _unreadable(exchange: Exchange, key: str) -> str:
    """A kind re-ask (the words were screened for danger before they got here)."""
    await exchange.say(exchange.t(key))
    return UNCHANGED


async def times_text(exchange: Exchange) -> str:
    """Typed times ("8:30, 21:00", "9pm"), "remove 8:30" or "clear"."""
    text = (exchange.text or "").strip()
    if text.lower() in NO_TIMES:
        await remove_times(exchange)
        note = exchange.t("settings.times_cleared")
    else:
        removing = REMOVE.fullmatch(text.lower())
        typed = parse_times(removing["rest"] if removing else text)
        if typed is None:
            return await _unreadable(exchange, "settings.times_unreadable")
        times = await get_times(exchange.session, user_id=exchange.user_id)
        if removing:
            gone = [at for at in typed if at in times]
            await remove_times(exchange, gone)
            note = (
                exchange.t("settings.times_removed", times=format_times(gone, exchange.language))
                if gone
                else exchange.t(
                    "settings.times_not_set", times=format_times(typed, exchange.language)
                )
            )
        else:
            new = [at for at in typed if at not in times]
            if len(times) + len(new) > MAX_TIMES:
                await exchange.say(exchange.t("settings.times_too_many"))
                return UNCHANGED
            switched_on = await add_times(exchange, new)
            note = (
                exchange.t("settings.times_added", times=format_times(new, exchange.language))
                if new
                else exchange.t(
                    "settings.times_already", times=format_times(typed, exchange.language)
                )
            )
            if switched_on:
                note += " " + exchange.t("settings.turned_on")
    await changed(exchange)
    await show(exchange, times_screen(exchange, await snapshot(exchange), note))
    return UNCHANGED


async def quiet_text(exchange: Exchange) -> str:
    """Typed quiet hours ("22:00-07:00", "10pm to 7am") or "none"."""
    text = (exchange.text or "").strip()
    if text.lower() in NO_QUIET:
        await set_quiet(exchange, None)
    else:
        quiet = parse_quiet_hours(text)
        if quiet is None:
            return await _unreadable(exchange, "settings.quiet_unreadable")
        await set_quiet(exchange, quiet)
    await show(exchange, quiet_screen(exchange, await snapshot(exchange)))
    return UNCHANGED


async def summary_text(exchange: Exchange) -> str:
    """A typed time for the weekly summary ("19:30", "7pm"), or "off"."""
    text = (exchange.text or "").strip()
    at = parse_time_of_day(text)
    if at is None and text.lower() not in NO_SUMMARY:
        return await _unreadable(exchange, "settings.summary_unreadable")
    schedule = await own_schedule(exchange)
    schedule.summary_enabled = at is not None
    if at is not None:
        schedule.summary_time = at
    await changed(exchange, schedule)
    await show(exchange, summary_screen(exchange, await snapshot(exchange)))
    return UNCHANGED
