"""Planning each person's next check-in and weekly summary, in their own time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.delivery_rules import weekdays_from_mask
from bot.core.schedule import next_slot, weekly_slot
from bot.storage.deliveries import (
    drop_pending_of_kind,
    get_schedule,
    get_times,
    insert_delivery,
    pending_delivery,
)
from bot.storage.models import CheckinSchedule, Delivery, DeliveryKind, DeliveryStatus, User


def is_paused(schedule: CheckinSchedule, now: datetime) -> bool:
    """Whether check-ins are paused at ``now``."""
    return schedule.paused and (schedule.paused_until is None or schedule.paused_until > now)


async def plan_checkin(session: AsyncSession, *, user: User, after: datetime) -> Delivery | None:
    """Replace the person's pending check-in with the first free slot after ``after``."""
    assert user.id is not None
    await drop_pending_of_kind(session, user_id=user.id, kind=DeliveryKind.CHECKIN)
    schedule = await get_schedule(session, user_id=user.id)
    if schedule is None or not schedule.enabled or not user.active or user.time_zone is None:
        return None
    times = await get_times(session, user_id=user.id)
    start = after
    if schedule.paused and schedule.paused_until is not None:
        start = max(start, schedule.paused_until - timedelta(microseconds=1))
    elif schedule.paused:
        return None
    for _ in range(40):  # skip slots that exist already (e.g. sent before a zone change)
        slot = next_slot(
            start,
            times=times,
            weekdays=weekdays_from_mask(schedule.weekdays),
            zone=user.time_zone,
            quiet_start=schedule.quiet_start,
            quiet_end=schedule.quiet_end,
        )
        if slot is None:
            return None
        if await insert_delivery(session, user_id=user.id, kind=DeliveryKind.CHECKIN, slot=slot):
            return await pending_delivery(session, user_id=user.id, kind=DeliveryKind.CHECKIN)
        start = slot.due_utc
    return None


async def plan_summary(session: AsyncSession, *, user: User, after: datetime) -> Delivery | None:
    """Replace the person's pending weekly summary with the next one after ``after``."""
    assert user.id is not None
    await drop_pending_of_kind(session, user_id=user.id, kind=DeliveryKind.SUMMARY)
    schedule = await get_schedule(session, user_id=user.id)
    if not user.active or user.time_zone is None:
        return None
    if schedule is not None and not schedule.summary_enabled:
        return None
    weekday = schedule.summary_weekday if schedule else 6
    at = schedule.summary_time if schedule else time(18, 0)
    start = after
    for _ in range(4):
        slot = weekly_slot(start, weekday=weekday, at=at, zone=user.time_zone)
        if await insert_delivery(session, user_id=user.id, kind=DeliveryKind.SUMMARY, slot=slot):
            return await pending_delivery(session, user_id=user.id, kind=DeliveryKind.SUMMARY)
        start = slot.due_utc
    return None


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


async def plan_user(session: AsyncSession, *, user: User, after: datetime) -> None:
    """(Re)plan everything scheduled for one person: after any change of their choices."""
    await plan_checkin(session, user=user, after=after)
    await plan_summary(session, user=user, after=after)


async def plan_missing(session: AsyncSession, *, now: datetime, limit: int = 5000) -> int:
    """Plan for active people who should have a pending delivery but have none (a repair pass)."""
    planned = 0
    pending = (
        select(Delivery.id)
        .where(
            Delivery.user_id == User.id,
            Delivery.kind == DeliveryKind.CHECKIN,
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]),
        )
        .exists()
    )
    users = await session.exec(
        select(User)
        .join(CheckinSchedule, col(CheckinSchedule.user_id) == col(User.id))
        .where(
            col(User.active),
            col(User.time_zone).is_not(None),
            col(CheckinSchedule.enabled),
            ~pending,
        )
        .limit(limit)
    )
    for user in users.all():
        if await plan_checkin(session, user=user, after=now) is not None:
            planned += 1
    pending_summary = (
        select(Delivery.id)
        .where(
            Delivery.user_id == User.id,
            Delivery.kind == DeliveryKind.SUMMARY,
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]),
        )
        .exists()
    )
    summary_off = (
        select(CheckinSchedule.user_id)
        .where(CheckinSchedule.user_id == User.id, ~col(CheckinSchedule.summary_enabled))
        .exists()
    )
    users = await session.exec(
        select(User)
        .where(col(User.active), col(User.time_zone).is_not(None), ~pending_summary, ~summary_off)
        .limit(limit)
    )
    for user in users.all():
        if await plan_summary(session, user=user, after=now) is not None:
            planned += 1
    return planned
