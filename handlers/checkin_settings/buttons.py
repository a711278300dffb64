"""The commands and buttons of the settings: /checkins, /pause, /resume and each screen's taps."""

from __future__ import annotations

import logging
from datetime import time

from bot.core.delivery_rules import mask_from_weekdays, weekdays_from_mask
from bot.core.schedule import (
    format_times,
)
from bot.flow import END, Turn
from bot.storage.deliveries import get_times
from bot.ui import settings_keyboards
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
    person_id,
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


async def open_menu(turn: Turn) -> str:
    """/checkins: what is set now, in local time, with buttons to change it."""
    if await has_zone(turn):
        await turn.say(*menu(turn, await snapshot(turn)))
    return leave(turn)


async def cancel(turn: Turn) -> str:
    """/cancel on a typing screen: what was changed stays changed."""
    await turn.say(turn.t("settings.cancelled"))
    return END


# --------------------------------------------------------------------------- menu buttons


async def menu_button(turn: Turn) -> str:
    """The "Set up check-ins" button after onboarding: the menu, as a new message."""
    if pressed(turn) != "":
        return await forged(turn)
    return await open_menu(turn)


async def back(turn: Turn) -> str:
    """Back to the menu from any screen."""
    if pressed(turn) != "":
        return await forged(turn)
    await show(turn, menu(turn, await snapshot(turn)))
    return leave(turn)


async def done(turn: Turn) -> str:
    """Done: the settings as they are now, without buttons."""
    if pressed(turn) != "":
        return await forged(turn)
    snap = await snapshot(turn)
    await show(turn, (join(status(turn, snap), turn.t("settings.saved")), None))
    return leave(turn)


async def turn_on(turn: Turn) -> str:
    """Turn check-ins on; with no times yet, start with sensible ones and say so."""
    if pressed(turn) != "":
        return await forged(turn)
    schedule = await own_schedule(turn)
    schedule.enabled = True
    note = None
    if not await get_times(turn.session, user_id=person_id(turn)):
        await add_times(turn, list(DEFAULT_TIMES))
        note = turn.t("settings.defaults", times=format_times(DEFAULT_TIMES))
    await changed(turn, schedule)
    await show(turn, menu(turn, await snapshot(turn), note))
    return leave(turn)


async def turn_off(turn: Turn) -> str:
    """Turn check-ins off (times and days are kept; a pause ends)."""
    if pressed(turn) != "":
        return await forged(turn)
    schedule = await own_schedule(turn)
    schedule.enabled = False
    schedule.paused, schedule.paused_until = False, None
    await changed(turn, schedule)
    await show(turn, menu(turn, await snapshot(turn)))
    return leave(turn)


async def times_button(turn: Turn) -> str:
    """Times: open the screen, or add a suggested time / remove a chosen one."""
    value = pressed(turn)
    if value == "":
        await show(turn, times_screen(turn, await snapshot(turn)))
        return SettingsState.TIMES
    toggle = TOGGLE.fullmatch(value or "")
    at = time_from_value(toggle["rest"]) if toggle else None
    if (
        toggle is None
        or at is None
        or (toggle["op"] == "a" and at not in settings_keyboards.SUGGESTED_TIMES)
    ):
        return await forged(turn)
    times = await get_times(turn.session, user_id=person_id(turn))
    switched_on = False
    if toggle["op"] == "a" and at not in times:
        if len(times) >= MAX_TIMES:
            await turn.toast(turn.t("settings.times_too_many"))
            return stay(turn, SettingsState.TIMES)
        switched_on = await add_times(turn, [at])
    elif toggle["op"] == "r":
        await remove_times(turn, [at])
    await changed(turn)
    note = turn.t("settings.turned_on") if switched_on else None
    await show(turn, times_screen(turn, await snapshot(turn), note))
    return stay(turn, SettingsState.TIMES)


async def clear_times(turn: Turn) -> str:
    """Clear all: no check-in times (until new ones are added)."""
    if pressed(turn) != "":
        return await forged(turn)
    await remove_times(turn)
    await changed(turn)
    await show(turn, times_screen(turn, await snapshot(turn)))
    return stay(turn, SettingsState.TIMES)


async def days_button(turn: Turn) -> str:
    """Days: open the screen, pick a set, or switch one day on or off (never none)."""
    value = pressed(turn)
    if value is None:
        return await forged(turn)
    if value == "":
        await show(turn, days_screen(turn, await snapshot(turn)))
        return leave(turn)
    toggle = None if value in settings_keyboards.DAY_PRESETS else TOGGLE.fullmatch(value)
    if value not in settings_keyboards.DAY_PRESETS and (
        toggle is None or toggle["rest"] not in DAYS
    ):
        return await forged(turn)
    schedule = await own_schedule(turn)
    if toggle is None:
        chosen = settings_keyboards.DAY_PRESETS[value]
    else:
        current, day = weekdays_from_mask(schedule.weekdays), DAYS[toggle["rest"]]
        chosen = current | {day} if toggle["op"] == "a" else current - {day}
    if not chosen:
        await turn.toast(turn.t("settings.days_need_one"))
        return leave(turn)
    schedule.weekdays = mask_from_weekdays(chosen)
    await changed(turn, schedule)
    await show(turn, days_screen(turn, await snapshot(turn)))
    return leave(turn)


async def quiet_button(turn: Turn) -> str:
    """Quiet hours: open the screen, or pick a preset or none."""
    value = pressed(turn)
    if value == "":
        await show(turn, quiet_screen(turn, await snapshot(turn)))
        return SettingsState.QUIET
    presets = {
        settings_keyboards.quiet_value(*quiet): quiet for quiet in settings_keyboards.QUIET_PRESETS
    }
    if value != "none" and value not in presets:
        return await forged(turn)
    await set_quiet(turn, presets.get(value or ""))
    await show(turn, quiet_screen(turn, await snapshot(turn)))
    return stay(turn, SettingsState.QUIET)


async def set_quiet(turn: Turn, quiet: tuple[time, time] | None) -> None:
    schedule = await own_schedule(turn)
    schedule.quiet_start, schedule.quiet_end = quiet if quiet is not None else (None, None)
    await changed(turn, schedule)


async def summary_button(turn: Turn) -> str:
    """Weekly summary: open the screen, switch it on or off, or pick its day or time."""
    value = pressed(turn)
    if value == "":
        await show(turn, summary_screen(turn, await snapshot(turn)))
        return SettingsState.SUMMARY
    presets = {settings_keyboards.time_value(at): at for at in settings_keyboards.SUMMARY_TIMES}
    value = value or ""
    if value not in {"on", "off"} and not (
        (value[:1] == "d" and value[1:] in DAYS) or (value[:1] == "t" and value[1:] in presets)
    ):
        return await forged(turn)
    schedule = await own_schedule(turn)
    schedule.summary_enabled = value != "off"
    if value[:1] == "d":
        schedule.summary_weekday = DAYS[value[1:]]
    elif value[:1] == "t":
        schedule.summary_time = presets[value[1:]]
    await changed(turn, schedule)
    await show(turn, summary_screen(turn, await snapshot(turn)))
    return stay(turn, SettingsState.SUMMARY)
