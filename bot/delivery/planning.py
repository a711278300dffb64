"""Planning each person's next check-in and weekly summary, in their own time zone."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.delivery_rules import weekdays_from_mask
from bot.core.schedule import Slot, next_slot, weekly_slot
from bot.storage.deliveries import (
    drop_pending_of_kind,
    get_schedule,
    get_times,
    insert_delivery,
    pending_delivery,
)
from bot.storage.delivery_batches import (
    PlanningInputs,
    drop_pending_kinds,
    insert_slots,
    load_planning_inputs,
)
from bot.storage.models import (
    UNDECIDED_STATUSES,
    CheckinSchedule,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    User,
)


def is_paused(schedule: CheckinSchedule, now: datetime) -> bool:
    """Whether check-ins are paused at ``now``."""
    return schedule.paused and (schedule.paused_until is None or schedule.paused_until > now)


def _checkin_start(schedule: CheckinSchedule, after: datetime) -> datetime | None:
    """Where to look for the next check-in from (None: paused until turned back on)."""
    if schedule.paused and schedule.paused_until is not None:
        return max(after, schedule.paused_until - timedelta(microseconds=1))
    return None if schedule.paused else after


def _checkin_slot(
    schedule: CheckinSchedule, times: Sequence[time], zone: str, start: datetime
) -> Slot | None:
    return next_slot(
        start,
        times=times,
        weekdays=weekdays_from_mask(schedule.weekdays),
        zone=zone,
        quiet_start=schedule.quiet_start,
        quiet_end=schedule.quiet_end,
    )


def _summary_time(schedule: CheckinSchedule | None) -> tuple[int, time] | None:
    """The weekday and local time of the weekly summary (None: turned off)."""
    if schedule is None:
        return 6, time(18, 0)
    return (schedule.summary_weekday, schedule.summary_time) if schedule.summary_enabled else None


async def plan_checkin(session: AsyncSession, *, user: User, after: datetime) -> Delivery | None:
    """Replace the person's pending check-in with the first free slot after ``after``."""
    assert user.id is not None
    await drop_pending_of_kind(session, user_id=user.id, kind=DeliveryKind.CHECKIN)
    schedule = await get_schedule(session, user_id=user.id)
    if schedule is None or not schedule.enabled or not user.active or user.time_zone is None:
        return None
    times = await get_times(session, user_id=user.id)
    start = _checkin_start(schedule, after)
    for _ in range(40):  # skip slots that exist already (e.g. sent before a zone change)
        slot = None if start is None else _checkin_slot(schedule, times, user.time_zone, start)
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
    when = _summary_time(schedule)
    if not user.active or user.time_zone is None or when is None:
        return None
    start = after
    for _ in range(4):
        slot = weekly_slot(start, weekday=when[0], at=when[1], zone=user.time_zone)
        if await insert_delivery(session, user_id=user.id, kind=DeliveryKind.SUMMARY, slot=slot):
            return await pending_delivery(session, user_id=user.id, kind=DeliveryKind.SUMMARY)
        start = slot.due_utc
    return None


def _first_slot(person: PlanningInputs, kind: str, after: datetime) -> Slot | None:
    """The slot of ``kind`` a person's next delivery goes in, before looking at what exists."""
    schedule, zone = person.schedule, person.time_zone
    if zone is None:
        return None
    if kind == DeliveryKind.CHECKIN:
        if schedule is None or not schedule.enabled:
            return None
        start = _checkin_start(schedule, after)
        return None if start is None else _checkin_slot(schedule, person.times, zone, start)
    when = _summary_time(schedule)
    return None if when is None else weekly_slot(after, weekday=when[0], at=when[1], zone=zone)


async def plan_next_batch(
    session: AsyncSession, *, wanted: Mapping[int, tuple[Collection[str], datetime]]
) -> None:
    """Plan many people's next slots (``user id: (kinds, after)``) in three statements.

    Only where a slot exists already (a rare case: sent before a zone change) is that person
    planned again one by one, to find the next free slot.
    """
    people = await load_planning_inputs(session, user_ids=list(wanted))
    by_kind: dict[str, list[int]] = {}
    for user_id in people:
        for kind in wanted[user_id][0]:
            by_kind.setdefault(kind, []).append(user_id)
    await drop_pending_kinds(session, by_kind=by_kind)
    slots = [
        (user_id, kind, slot)
        for kind, user_ids in by_kind.items()
        for user_id in user_ids
        if (slot := _first_slot(people[user_id], kind, wanted[user_id][1])) is not None
    ]
    inserted = await insert_slots(session, slots=slots)
    for user_id, kind, slot in slots:
        if (user_id, kind) in inserted:
            continue
        user = await session.get(User, user_id)
        assert user is not None
        plan = plan_checkin if kind == DeliveryKind.CHECKIN else plan_summary
        await plan(session, user=user, after=slot.due_utc)


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
            col(Delivery.status).in_(UNDECIDED_STATUSES),
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
            col(Delivery.status).in_(UNDECIDED_STATUSES),
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
