"""Every SQL statement about scheduled deliveries: schedules, pending rows, atomic claims.

Each person with check-ins on has exactly one pending ``Delivery`` row for their next
slot. Due rows are claimed in batches, then marked as being sent a wave at a time just
before they are handed to Telegram, so a sender killed mid-batch leaves at most one wave
uncertain and the rest to be sent again (``release_leftover_claims``). Claims are atomic
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers, so one
``UPDATE ... RETURNING`` is atomic there). The unique key
(user, kind, slot) makes a second send of one slot impossible, across restarts and
across instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.schedule import Slot
from bot.storage.models import (
    CheckinSchedule,
    CheckinTime,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    User,
)

SNOOZE_MARK = "~"  # slot keys of snoozed prompts: "<slot>~<n>"


async def get_schedule(session: AsyncSession, *, user_id: int) -> CheckinSchedule | None:
    """A person's check-in schedule, if they ever set one."""
    return await session.get(CheckinSchedule, user_id, populate_existing=True)


async def get_times(session: AsyncSession, *, user_id: int) -> list[time]:
    """A person's check-in times, earliest first."""
    result = await session.exec(
        select(CheckinTime).where(CheckinTime.user_id == user_id).order_by(col(CheckinTime.at))
    )
    return [row.at for row in result.all()]


async def insert_delivery(session: AsyncSession, *, user_id: int, kind: str, slot: Slot) -> bool:
    try:
        async with session.begin_nested():
            session.add(
                Delivery(
                    user_id=user_id,
                    kind=kind,
                    slot_key=slot.key,
                    due_at=slot.due_utc,
                    next_attempt_at=slot.due_utc,
                )
            )
    except IntegrityError:
        return False  # this slot exists already (planned, sent or skipped)
    return True


async def drop_pending_of_kind(session: AsyncSession, *, user_id: int, kind: str) -> None:
    await session.exec(
        sa.delete(Delivery).where(
            col(Delivery.user_id) == user_id,
            col(Delivery.kind) == kind,
            col(Delivery.status) == DeliveryStatus.PENDING,
            ~col(Delivery.slot_key).contains(SNOOZE_MARK),
        )
    )


async def drop_pending(session: AsyncSession, *, user_id: int) -> None:
    """Remove everything still waiting to be sent to a person (they blocked the bot)."""
    await session.exec(
        sa.delete(Delivery).where(
            col(Delivery.user_id) == user_id, col(Delivery.status) == DeliveryStatus.PENDING
        )
    )


async def deactivate_user(session: AsyncSession, *, user_id: int) -> None:
    """The person blocked the bot: nothing more is sent to them until they come back."""
    await session.exec(
        sa.update(User)
        .where(col(User.id) == user_id)
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    await drop_pending(session, user_id=user_id)


async def pending_delivery(session: AsyncSession, *, user_id: int, kind: str) -> Delivery | None:
    result = await session.exec(
        select(Delivery)
        .where(
            Delivery.user_id == user_id,
            Delivery.kind == kind,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(col(Delivery.due_at))
    )
    return result.first()


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery this instance has claimed, with what is needed to send it."""

    id: int
    user_id: int
    kind: str
    slot_key: str
    due_at: datetime
    attempts: int
    chat_id: int
    first_name: str
    language: str | None
    time_zone: str | None
    active: bool = True
    schedule: CheckinSchedule | None = None


async def claim_due(
    session: AsyncSession, *, now: datetime, instance: str, limit: int
) -> list[ClaimedDelivery]:
    """Atomically take up to ``limit`` due deliveries for this instance."""
    due = (
        sa.select(col(Delivery.id))
        .where(
            col(Delivery.status) == DeliveryStatus.PENDING,
            col(Delivery.next_attempt_at) <= now,
        )
        # check-ins first: a prompt is time-sensitive, a summary (a chart to draw) is not
        .order_by(
            sa.case((col(Delivery.kind) == DeliveryKind.CHECKIN, 0), else_=1),
            col(Delivery.next_attempt_at),
        )
        .limit(limit)
    )
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = await session.exec(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(due.scalar_subquery()))
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=instance,
            claimed_at=now,
            attempts=Delivery.attempts + 1,
        )
        .returning(col(Delivery.id))
    )
    ids = list(claimed.scalars().all())
    if not ids:
        return []
    return await _claimed_rows(session, ids)


async def _claimed_rows(session: AsyncSession, ids: list[int]) -> list[ClaimedDelivery]:
    """The claimed deliveries with their person and schedule, in the order they fell due."""
    rows = await session.exec(
        select(Delivery, User, CheckinSchedule)
        .join(User, col(User.id) == col(Delivery.user_id))
        .join(CheckinSchedule, col(CheckinSchedule.user_id) == col(Delivery.user_id), isouter=True)
        .where(col(Delivery.id).in_(ids))
        .order_by(col(Delivery.next_attempt_at))
    )
    return [
        ClaimedDelivery(
            id=d.id,
            user_id=d.user_id,
            kind=d.kind,
            slot_key=d.slot_key,
            due_at=d.due_at,
            attempts=d.attempts,
            chat_id=u.telegram_id,
            first_name=u.first_name,
            language=u.language_code,
            time_zone=u.time_zone,
            active=u.active,
            schedule=schedule,
        )
        for d, u, schedule in rows.all()
        if d.id is not None
    ]


@dataclass(frozen=True)
class DecidedSlot:
    """A person's delivery of one kind and slot that is settled (so their next is planned)."""

    user_id: int
    kind: str
    slot_key: str
    due_at: datetime


async def release_leftover_claims(session: AsyncSession) -> tuple[int, list[DecidedSlot]]:
    """Claims left by a dispatch run that is over (the process was killed, or lost the
    database): how many are pending again, and the slots now marked uncertain.

    Called as a run starts: an instance runs one dispatch at a time, and on PostgreSQL only
    the holder of the sending turn dispatches, so every claim still open is a leftover. A
    claim never handed to Telegram is pending again (the grace window then decides whether
    it is still sent); one being sent may have been delivered, so it is marked uncertain
    and never sent again. A run still going somewhere (a holder cut off a moment ago) only
    sends what it marks as being sent itself (``mark_sending``), so nothing goes out twice.
    """
    back = await session.exec(
        sa.update(Delivery)
        .where(col(Delivery.status) == DeliveryStatus.CLAIMED)
        .values(
            status=DeliveryStatus.PENDING,
            claimed_by=None,
            attempts=sa.case((col(Delivery.attempts) > 0, Delivery.attempts - 1), else_=0),
        )
    )
    uncertain = await session.exec(
        sa.update(Delivery)
        .where(col(Delivery.status) == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.UNCERTAIN, detail="the sender stopped mid-send")
        .returning(
            col(Delivery.user_id), col(Delivery.kind), col(Delivery.slot_key), col(Delivery.due_at)
        )
    )
    slots = [DecidedSlot(*row) for row in uncertain.all()]
    return int(back.rowcount or 0), slots


async def mark_sending(session: AsyncSession, *, ids: list[int], instance: str) -> set[int]:
    """Mark claimed deliveries as being sent, just before they are; those still this
    instance's (only these may be sent)."""
    if not ids:
        return set()
    marked = await session.exec(
        sa.update(Delivery)
        .where(
            col(Delivery.id).in_(ids),
            col(Delivery.status) == DeliveryStatus.CLAIMED,
            col(Delivery.claimed_by) == instance,
        )
        .values(status=DeliveryStatus.SENDING)
        .returning(col(Delivery.id))
    )
    return set(marked.scalars().all())


def snooze(session: AsyncSession, delivery: Delivery, *, due: datetime) -> None:
    """Ask again at ``due``: a new delivery for the same slot, and this one marked snoozed."""
    base, _, count = delivery.slot_key.partition(SNOOZE_MARK)
    session.add(
        Delivery(
            user_id=delivery.user_id,
            kind=DeliveryKind.CHECKIN,
            slot_key=f"{base}{SNOOZE_MARK}{int(count or 0) + 1}",
            due_at=due,
            next_attempt_at=due,
        )
    )
    delivery.status = DeliveryStatus.SNOOZED
    session.add(delivery)
