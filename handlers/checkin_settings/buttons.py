"""The commands and buttons of the settings: /checkins, /pause, /resume and each screen's taps."""

from __future__ import annotations

import logging
from datetime import time

from bot.core.delivery_rules import mask_from_weekdays, weekdays_from_mask
from bot.flow import FINISHED, Exchange
from bot.storage.deliveries import get_times
from bot.ui import settings_keyboards
from bot.ui.calendar import format_times
from handlers.checkin_settings.base import (
    DAYS,
    DEFAULT_TIMES,
    MAX_TIMES,
    TOGGLE,
    SettingsState,
    add_times,
    changed,
    forged,
    has_zone,
    leave,
    own_schedule,
    pressed,
    remove_times,
    snapshot,
    stay,
    time_from_value,
)
from handlers.checkin_settings.screens import (
    days_screen,
    join,
    menu,
    quiet_screen,
    show,
    status,
    summary_screen,
    times_screen,
)

log = logging.getLogger(__name__)


async def open_menu(exchange: Exchange) -> str:
    """/checkins: what is set now, in local time, with buttons to change it."""
    if await has_zone(exchange):
        await exchange.say(*menu(exchange, await snapshot(exchange)))
    return leave(exchange)


async def cancel(exchange: Exchange) -> str:
    """/cancel on a typing screen: what was changed stays changed."""
    await exchange.say(exchange.t("settings.cancelled"))
    return FINISHED


# --------------------------------------------------------------------------- menu buttons


async def menu_button(exchange: Exchange) -> str:
    """The "Set up check-ins" button after onboarding: the menu, as a new message."""
    if pressed(exchange) != "":
        return await forged(exchange)
    return await open_menu(exchange)


async def back(exchange: Exchange) -> str:
    """Back to the menu from any screen."""
    if pressed(exchange) != "":
        return await forged(exchange)
    await show(exchange, menu(exchange, await snapshot(exchange)))
    return leave(exchange)


async def done(exchange: Exchange) -> str:
    """Done: the settings as they are now, without buttons."""
    if pressed(exchange) != "":
        return await forged(exchange)
    snap = await snapshot(exchange)
    await show(exchange, (join(status(exchange, snap), exchange.t("settings.saved")), None))
    return leave(exchange)


async def turn_on(exchange: Exchange) -> str:
    """Turn check-ins on; with no times yet, start with sensible ones and say so."""
    if pressed(exchange) != "":
        return await forged(exchange)
    schedule = await own_schedule(exchange)
    schedule.enabled = True
    note = None
    if not await get_times(exchange.session, user_id=exchange.user_id):
        await add_times(exchange, list(DEFAULT_TIMES))
        note = exchange.t("settings.defaults", times=format_times(DEFAULT_TIMES, exchange.language))
    await changed(exchange, schedule)
    await show(exchange, menu(exchange, await snapshot(exchange), note))
    return leave(exchange)


async def turn_off(exchange: Exchange) -> str:
    """Turn check-ins off (times and days are kept; a pause ends)."""
    if pressed(exchange) != "":
        return await forged(exchange)
    schedule = await own_schedule(exchange)
    schedule.enabled = False
    schedule.paused, schedule.paused_until = False, None
    await changed(exchange, schedule)
    await show(exchange, menu(exchange, await snapshot(exchange)))
    return leave(exchange)


async def times_button(exchange: Exchange) -> str:
    """Times: open the screen, or add a suggested time / remove a chosen one."""
    value = pressed(exchange)
    if value == "":
        await show(exchange, times_screen(exchange, await snapshot(exchange)))
        return SettingsState.TIMES
    toggle = TOGGLE.fullmatch(value or "")
    at = time_from_value(toggle["rest"]) if toggle else None
    if (
        toggle is None
        or at is None
        or (toggle["op"] == "a" and at not in settings_keyboards.SUGGESTED_TIMES)
    ):
        return await forged(exchange)
    times = await get_times(exchange.session, user_id=exchange.user_id)
    switched_on = False
    if toggle["op"] == "a" and at not in times:
        if len(times) >= MAX_TIMES:
            await exchange.toast(exchange.t("settings.times_too_many"))
            return stay(exchange, SettingsState.TIMES)
        switched_on = await add_times(exchange, [at])
    elif toggle["op"] == "r":
        await remove_times(exchange, [at])
    await changed(exchange)
    note = exchange.t("settings.turned_on") if switched_on else None
    await show(exchange, times_screen(exchange, await snapshot(exchange), note))
    return stay(exchange, SettingsState.TIMES)


async def clear_times(exchange: Exchange) -> str:
    """Clear all: no check-in times (until new ones are added)."""
    if pressed(exchange) != "":
        return await forged(exchange)
    await remove_times(exchange)
    await changed(exchange)
    await show(exchange, times_screen(exchange, await snapshot(exchange)))
    return stay(exchange, SettingsState.TIMES)


async def days_button(exchange: Exchange) -> str:
    """Days: open the screen, pick a set, or switch one day on or off (never none)."""
    value = pressed(exchange)
    if value is None:
        return await forged(exchange)
    if value == "":
        await show(exchange, days_screen(exchange, await snapshot(exchange)))
        return leave(exchange)
    toggle = None if value in settings_keyboards.DAY_PRESETS else TOGGLE.fullmatch(value)
    if value not in settings_keyboards.DAY_PRESETS and (
        toggle is None or toggle["rest"] not in DAYS
    ):
        return await forged(exchange)
    schedule = await own_schedule(exchange)
    if toggle is None:
        chosen = settings_keyboards.DAY_PRESETS[value]
    else:
        current, day = weekdays_from_mask(schedule.weekdays), DAYS[toggle["rest"]]
        chosen = current | {day} if toggle["op"] == "a" else current - {day}
    if not chosen:
        await exchange.toast(exchange.t("settings.days_need_one"))
        return leave(exchange)
    schedule.weekdays = mask_from_weekdays(chosen)
    await changed(exchange, schedule)
    await show(exchange, days_screen(exchange, await snapshot(exchange)))
    return leave(exchange)


async def quiet_button(exchange: Exchange) -> str:
    """Quiet hours: open the screen, or pick a preset or none."""
    value = pressed(exchange)
    if value == "":
        await show(exchange, quiet_screen(exchange, await snapshot(exchange)))
        return SettingsState.QUIET
    presets = {
        settings_keyboards.quiet_value(*quiet): quiet for quiet in settings_keyboards.QUIET_PRESETS
    }
    if value != "none" and value not in presets:
        return await forged(exchange)
    await set_quiet(exchange, presets.get(value or ""))
    await show(exchange, quiet_screen(exchange, await snapshot(exchange)))
    return stay(exchange, SettingsState.QUIET)


async def set_quiet(exchange: Exchange, quiet: tuple[time, time] | None) -> None:
    schedule = await own_schedule(exchange)
    schedule.quiet_start, schedule.quiet_end = quiet if quiet is not None else (None, None)
    await changed(exchange, schedule)


async def summary_button(exchange: Exchange) -> str:
    """Weekly summary: open the screen, switch it on or off, or pick its day or time."""
    value = pressed(exchange)
    if value == "":
        await show(exchange, summary_screen(exchange, await snapshot(exchange)))
        return SettingsState.SUMMARY
    presets = {settings_keyboards.time_value(at): at for at in settings_keyboards.SUMMARY_TIMES}
    value = value or ""
    if value not in {"on", "off"} and not (
        (value[:1] == "d" and value[1:] in DAYS) or (value[:1] == "t" and value[1:] in presets)
    ):
        return await forged(exchange)
    schedule = await own_schedule(exchange)
    schedule.summary_enabled = value != "off"
    if value[:1] == "d":
        schedule.summary_weekday = DAYS[value[1:]]
    elif value[:1] == "t":
        schedule.summary_time = presets[value[1:]]
    await changed(exchange, schedule)
    await show(exchange, summary_screen(exchange, await snapshot(exchange)))
    return stay(exchange, SettingsState.SUMMARY)
