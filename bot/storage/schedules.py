"""Writing a person's check-in settings: their schedule row and their times of day."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.deliveries import get_schedule
from bot.storage.models import CheckinSchedule, CheckinTime


async def own_schedule(session: AsyncSession, *, user_id: int, now: datetime) -> CheckinSchedule:
    """The person's schedule row, created with the defaults the first time."""
    schedule = await get_schedule(session, user_id=user_id)
    if schedule is not None:
        return schedule
    schedule = CheckinSchedule(user_id=user_id, updated_at=now)
    try:
        async with session.begin_nested():
            session.add(schedule)
    except IntegrityError:  # created a moment ago by another update
        found = await get_schedule(session, user_id=user_id)
        if found is None:
            raise
        schedule = found
    return schedule


async def add_times(
    session: AsyncSession, *, user_id: int, times: list[time], now: datetime
) -> bool:
    """Add check-in times; True if that turned check-ins on (a first time, while they were off)."""
    added = False
    for at in times:
        try:
            async with session.begin_nested():
                session.add(CheckinTime(user_id=user_id, at=at))
            added = True
        except IntegrityError:  # already there (a double tap)
            pass
    schedule = await own_schedule(session, user_id=user_id, now=now)
    if added and not schedule.enabled:
        schedule.enabled = True  # someone who adds a time wants to be checked in on
        session.add(schedule)
        return True
    return False


async def remove_times(
    session: AsyncSession, *, user_id: int, times: list[time] | None = None
) -> None:
    """Remove some of the person's times (all of them when ``times`` is None)."""
    query = sa.delete(CheckinTime).where(col(CheckinTime.user_id) == user_id)
    if times is not None:
        query = query.where(col(CheckinTime.at).in_(times))
    await session.exec(query)
