"""The settings' states, what they store, and where the conversation goes."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planning import is_paused, plan_user
from bot.flow import END, KEEP, Turn
from bot.storage.deliveries import get_schedule, get_times
from bot.storage.models import CheckinSchedule, CheckinTime, Delivery, DeliveryKind, DeliveryStatus

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
class Snapshot:
    """What is set for one person right now, read fresh for showing it."""

    schedule: CheckinSchedule
    times: list[time]
    next_due: datetime | None


def person_id(turn: Turn) -> int:
    assert turn.user.id is not None
    return turn.user.id


async def next_checkin(
    session: AsyncSession, *, schedule: CheckinSchedule, user_id: int
) -> datetime | None:
    """When the person's next check-in will really be sent (None: none planned)."""
    if not schedule.enabled:
        return None
    result = await session.exec(
        select(Delivery)
        .where(
            Delivery.user_id == user_id,
            Delivery.kind == DeliveryKind.CHECKIN,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(col(Delivery.due_at))
    )
    return next((d.due_at for d in result.all() if not is_paused(schedule, d.due_at)), None)


async def snapshot(turn: Turn) -> Snapshot:
    uid = person_id(turn)
    schedule = await get_schedule(turn.session, user_id=uid)
    if schedule is None:  # never set: the defaults, not stored until something changes
        schedule = CheckinSchedule(user_id=uid, updated_at=turn.now)
    times = await get_times(turn.session, user_id=uid)
    due = await next_checkin(turn.session, schedule=schedule, user_id=uid)
    return Snapshot(schedule, times, due)


async def own_schedule(turn: Turn) -> CheckinSchedule:
    """The person's schedule row, created with the defaults the first time."""
    uid = person_id(turn)
    schedule = await get_schedule(turn.session, user_id=uid)
    if schedule is not None:
        return schedule
    schedule = CheckinSchedule(user_id=uid, updated_at=turn.now)
    try:
        async with turn.session.begin_nested():
            turn.session.add(schedule)
    except IntegrityError:  # created a moment ago by another update
        found = await get_schedule(turn.session, user_id=uid)
        if found is None:
            raise
        schedule = found
    return schedule


async def changed(turn: Turn, schedule: CheckinSchedule | None = None) -> None:
    """Store a change at once and plan the next check-in and summary again."""
    schedule = schedule or await own_schedule(turn)
    schedule.updated_at = turn.now
    turn.session.add(schedule)
    await turn.session.flush()
    await plan_user(turn.session, user=turn.user, after=turn.now)


async def add_times(turn: Turn, times: list[time]) -> bool:
    """Add check-in times; True if that turned check-ins on (a first time, while they were off)."""
    added = False
    for at in times:
        try:
            async with turn.session.begin_nested():
                turn.session.add(CheckinTime(user_id=person_id(turn), at=at))
            added = True
        except IntegrityError:  # already there (a double tap)
            pass
    schedule = await own_schedule(turn)
    if added and not schedule.enabled:
        schedule.enabled = True  # someone who adds a time wants to be checked in on
        turn.session.add(schedule)
        return True
    return False


async def remove_times(turn: Turn, times: list[time] | None = None) -> None:
    """Remove some of the person's times (all of them when ``times`` is None)."""
    query = sa.delete(CheckinTime).where(col(CheckinTime.user_id) == person_id(turn))
    if times is not None:
        query = query.where(col(CheckinTime.at).in_(times))
    await turn.session.exec(query)


def _busy_elsewhere(turn: Turn) -> bool:
    return turn.conversation is not None and turn.conversation.flow != SETTINGS_FLOW_NAME


def leave(turn: Turn) -> str:
    """Out of any typing screen of ours; another flow under way is left as it is."""
    conversation = turn.conversation
    return END if conversation is not None and conversation.flow == SETTINGS_FLOW_NAME else KEEP


def stay(turn: Turn, state: SettingsState) -> str:
    """Keep a typing screen open, without breaking into another flow under way."""
    return KEEP if _busy_elsewhere(turn) else state


def pressed(turn: Turn) -> str | None:
    """The pressed button's value; None if this flow could not have made it (refs are 0)."""
    data = turn.callback
    return data.value if data is not None and data.ref == 0 else None


async def forged(turn: Turn) -> str:
    await turn.toast(turn.t("fallback.forged_button"))
    return KEEP


async def has_zone(turn: Turn) -> bool:
    if turn.user.time_zone is not None:
        return True
    await turn.say(turn.t("settings.need_zone"))
    return False
