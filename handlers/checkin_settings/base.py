"""The settings' states, what they store, and where the conversation goes."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from bot.delivery.planning import next_checkin, plan_user
from bot.flow import FINISHED, UNCHANGED, Exchange
from bot.storage import schedules
from bot.storage.deliveries import get_schedule, get_times
from bot.storage.models import CheckinSchedule

log = logging.getLogger(__name__)


SETTINGS_FLOW_NAME = "checkin_settings"
MAX_TIMES = 4
DEFAULT_TIMES = (time(9, 0), time(20, 0))

# typed words that empty a setting, per screen
NO_TIMES = frozenset({"clear", "clear all", "none", "reset"})
NO_QUIET = frozenset({"none", "no", "off", "clear", "nothing", "no quiet hours"})
NO_SUMMARY = frozenset({"off", "none", "no", "stop"})
REMOVE = re.compile(r"^(?:remove|delete|drop|without|-)\s*(?P<rest>.*)$", re.DOTALL)
_TIME_VALUE = re.compile(r"(?P<hour>[01][0-9]|2[0-3])(?P<minute>[0-5][0-9])")
TOGGLE = re.compile(r"(?P<op>[ar])(?P<rest>.+)")  # "a0830": add 08:30, "r2": remove Wednesday
DAYS = {str(day): day for day in range(7)}


class SettingsState(StrEnum):
    """The screens that take a typed answer."""

    TIMES = "times"
    QUIET = "quiet"
    SUMMARY = "summary"


def time_from_value(value: str) -> time | None:
    match = _TIME_VALUE.fullmatch(value)
    return time(int(match["hour"]), int(match["minute"])) if match else None


# --------------------------------------------------------------------------- stored settings


@dataclass(frozen=True)
class CurrentSettings:
    """What is set for one person right now, read fresh for showing it."""

    schedule: CheckinSchedule
    times: list[time]
    next_due: datetime | None


async def snapshot(exchange: Exchange) -> CurrentSettings:
    uid = exchange.user_id
    schedule = await get_schedule(exchange.session, user_id=uid)
    if schedule is None:  # never set: the defaults, not stored until something changes
        schedule = CheckinSchedule(user_id=uid, updated_at=exchange.now)
    times = await get_times(exchange.session, user_id=uid)
    due = await next_checkin(exchange.session, schedule=schedule, user_id=uid)
    return CurrentSettings(schedule, times, due)


async def own_schedule(exchange: Exchange) -> CheckinSchedule:
    """The person's schedule row, created with the defaults the first time."""
    return await schedules.own_schedule(
        exchange.session, user_id=exchange.user_id, now=exchange.now
    )


async def changed(exchange: Exchange, schedule: CheckinSchedule | None = None) -> None:
    """Store a change at once and plan the next check-in and summary again."""
    schedule = schedule or await own_schedule(exchange)
    schedule.updated_at = exchange.now
    exchange.session.add(schedule)
    await exchange.session.flush()
    await plan_user(exchange.session, user=exchange.user, after=exchange.now)


async def add_times(exchange: Exchange, times: list[time]) -> bool:
    """Add check-in times; True if that turned check-ins on (a first time, while they were off)."""
    return await schedules.add_times(
        exchange.session, user_id=exchange.user_id, times=times, now=exchange.now
    )


async def remove_times(exchange: Exchange, times: list[time] | None = None) -> None:
    """Remove some of the person's times (all of them when ``times`` is None)."""
    await schedules.remove_times(exchange.session, user_id=exchange.user_id, times=times)


def leave(exchange: Exchange) -> str:
    """Out of any typing screen of ours; another flow under way is left as it is."""
    conversation = exchange.conversation
    return (
        FINISHED
        if conversation is not None and conversation.flow == SETTINGS_FLOW_NAME
        else UNCHANGED
    )


def stay(exchange: Exchange, state: SettingsState) -> str:
    """Keep a typing screen open, without breaking into another flow under way."""
    return UNCHANGED if exchange.in_other_flow(SETTINGS_FLOW_NAME) else state


def pressed(exchange: Exchange) -> str | None:
    """The pressed button's value; None if this flow could not have made it (refs are 0)."""
    data = exchange.callback
    return data.value if data is not None and data.ref == 0 else None


async def forged(exchange: Exchange) -> str:
    await exchange.refuse_button()
    return UNCHANGED


async def has_zone(exchange: Exchange) -> bool:
    if exchange.user.time_zone is not None:
        return True
    await exchange.say(exchange.t("settings.need_zone"))
    return False
