"""Pausing and resuming check-ins: /pause, /resume and the Pause screen of the settings."""

from __future__ import annotations

from bot.core.schedule import (
    PAUSE_CHOICES,
    pause_until,
)
from bot.delivery.planning import is_paused
from bot.flow import Exchange
from bot.storage.deliveries import get_schedule
from bot.ui import settings_keyboards
from handlers.checkin_settings.base import (
    changed,
    forged,
    has_zone,
    leave,
    own_schedule,
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


async def ask_pause(exchange: Exchange) -> str:
    """/pause: how long to pause check-ins (kindly, if they are off)."""
    if not await has_zone(exchange):
        return leave(exchange)
    snap = await snapshot(exchange)
    if not snap.schedule.enabled:
        await exchange.say(exchange.t("settings.pause_off"))
        return leave(exchange)
    status = state_line(exchange, snap) if is_paused(snap.schedule, exchange.now) else None
    await exchange.say(
        join(status, exchange.t("settings.pause_ask")),
        settings_keyboards.pause_choices(exchange.language, back=False),
    )
    return leave(exchange)


async def resume(exchange: Exchange) -> str:
    """/resume: check-ins start again; says when the next one is."""
    if not await has_zone(exchange):
        return leave(exchange)
    schedule = await get_schedule(exchange.session, user_id=exchange.user_id)
    if schedule is None or not schedule.enabled:
        await exchange.say(exchange.t("settings.resume_off"))
        return leave(exchange)
    was_paused = is_paused(schedule, exchange.now)
    if schedule.paused:
        schedule.paused, schedule.paused_until = False, None
        await changed(exchange, schedule)
    snap = await snapshot(exchange)
    if not was_paused:
        first = exchange.t("settings.not_paused")
    elif snap.times:
        first = exchange.t("settings.resumed")
    else:
        first = exchange.t("settings.resumed_no_times")
    upcoming = (
        exchange.t("settings.next", when=when(exchange, snap.next_due)) if snap.next_due else None
    )
    await exchange.say("\n".join(line for line in (first, upcoming) if line))
    return leave(exchange)


async def pause_button(exchange: Exchange) -> str:
    """Pause: show how long, or pause for the chosen time (confirmed in local time)."""
    value = pressed(exchange)
    if value == "":
        await show(
            exchange,
            (
                exchange.t("settings.pause_ask"),
                settings_keyboards.pause_choices(exchange.language, back=True),
            ),
        )
        return leave(exchange)
    if value not in PAUSE_CHOICES:
        return await forged(exchange)
    schedule = await own_schedule(exchange)
    if not schedule.enabled:
        await exchange.toast(exchange.t("settings.pause_off"))
    else:
        until = pause_until(value, exchange.now, exchange.user.time_zone or "UTC")
        schedule.paused, schedule.paused_until = True, until
        await changed(exchange, schedule)
        await exchange.toast(
            exchange.t("settings.paused", until=when(exchange, until, until=True))
            if until is not None
            else exchange.t("settings.paused_forever")
        )
    await show(exchange, menu(exchange, await snapshot(exchange)))
    return leave(exchange)


async def resume_button(exchange: Exchange) -> str:
    """Resume (in the menu): check-ins start again."""
    if pressed(exchange) != "":
        return await forged(exchange)
    schedule = await own_schedule(exchange)
    if schedule.paused:
        schedule.paused, schedule.paused_until = False, None
        await changed(exchange, schedule)
        await exchange.toast(exchange.t("settings.resumed"))
    await show(exchange, menu(exchange, await snapshot(exchange)))
    return leave(exchange)
