"""Pausing and resuming check-ins: /pause, /resume and the Pause screen of the settings."""

from __future__ import annotations

from bot.core.schedule import (
    PAUSE_CHOICES,
    pause_until,
)
from bot.delivery.planning import is_paused
from bot.flow import Turn
from bot.storage.deliveries import get_schedule
from bot.ui import settings_keyboards
from handlers.checkin_settings.base import (
    changed,
    forged,
    has_zone,
    leave,
    own_schedule,
    person_id,
    pressed,
    snapshot,
)
from handlers.checkin_settings.screens import (
    join,
    menu,
    show,
    state_line,
    when,
)


async def ask_pause(turn: Turn) -> str:
    """/pause: how long to pause check-ins (kindly, if they are off)."""
    if not await has_zone(turn):
        return leave(turn)
    snap = await snapshot(turn)
    if not snap.schedule.enabled:
        await turn.say(turn.t("settings.pause_off"))
        return leave(turn)
    status = state_line(turn, snap) if is_paused(snap.schedule, turn.now) else None
    await turn.say(
        join(status, turn.t("settings.pause_ask")),
        settings_keyboards.pause_choices(turn.language, back=False),
    )
    return leave(turn)


async def resume(turn: Turn) -> str:
    """/resume: check-ins start again; says when the next one is."""
    if not await has_zone(turn):
        return leave(turn)
    schedule = await get_schedule(turn.session, user_id=person_id(turn))
    if schedule is None or not schedule.enabled:
        await turn.say(turn.t("settings.resume_off"))
        return leave(turn)
    was_paused = is_paused(schedule, turn.now)
    if schedule.paused:
        schedule.paused, schedule.paused_until = False, None
        await changed(turn, schedule)
    snap = await snapshot(turn)
    if not was_paused:
        first = turn.t("settings.not_paused")
    elif snap.times:
        first = turn.t("settings.resumed")
    else:
        first = turn.t("settings.resumed_no_times")
    upcoming = turn.t("settings.next", when=when(turn, snap.next_due)) if snap.next_due else None
    await turn.say("\n".join(line for line in (first, upcoming) if line))
    return leave(turn)


async def pause_button(turn: Turn) -> str:
    """Pause: show how long, or pause for the chosen time (confirmed in local time)."""
    value = pressed(turn)
    if value == "":
        await show(
            turn,
            (
                turn.t("settings.pause_ask"),
                settings_keyboards.pause_choices(turn.language, back=True),
            ),
        )
        return leave(turn)
    if value not in PAUSE_CHOICES:
        return await forged(turn)
    schedule = await own_schedule(turn)
    if not schedule.enabled:
        await turn.toast(turn.t("settings.pause_off"))
    else:
        until = pause_until(value, turn.now, turn.user.time_zone or "UTC")
        schedule.paused, schedule.paused_until = True, until
        await changed(turn, schedule)
        await turn.toast(
            turn.t("settings.paused", until=when(turn, until, until=True))
            if until is not None
            else turn.t("settings.paused_forever")
        )
    await show(turn, menu(turn, await snapshot(turn)))
    return leave(turn)


async def resume_button(turn: Turn) -> str:
    """Resume (in the menu): check-ins start again."""
    if pressed(turn) != "":
        return await forged(turn)
    schedule = await own_schedule(turn)
    if schedule.paused:
        schedule.paused, schedule.paused_until = False, None
        await changed(turn, schedule)
        await turn.toast(turn.t("settings.resumed"))
    await show(turn, menu(turn, await snapshot(turn)))
    return leave(turn)
