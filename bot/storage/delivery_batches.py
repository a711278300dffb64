"""The SQL of planning many people's next slots at once: one read, one delete, one insert.

After a batch of deliveries is sent, each person's next check-in and summary are planned
with a constant number of statements for the whole batch. The unique key (user, kind,
slot) still decides: a slot that exists already is simply not inserted again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.schedule import Slot
from bot.storage.deliveries import SNOOZE_MARK
from bot.storage.models import CheckinSchedule, CheckinTime, Delivery, DeliveryStatus, User


@dataclass
class PlanningInputs:
    """What planning one active person's next slots needs: their zone, schedule and times."""

    user_id: int
    time_zone: str | None
    schedule: CheckinSchedule | None
    times: list[time] = field(default_factory=list)


async def load_planning_inputs(
    session: AsyncSession, *, user_ids: Sequence[int]
) -> dict[int, PlanningInputs]:
    """The active people among ``user_ids``, with their schedules and times (one SELECT)."""
    if not user_ids:
        return {}
    rows = await session.exec(
        select(col(User.id), col(User.time_zone), CheckinSchedule, col(CheckinTime.at))
        .join(CheckinSchedule, col(CheckinSchedule.user_id) == col(User.id), isouter=True)
        .join(CheckinTime, col(CheckinTime.user_id) == col(User.id), isouter=True)
        .where(col(User.id).in_(user_ids), col(User.active))
        .order_by(col(User.id), col(CheckinTime.at))
        .execution_options(populate_existing=True)
    )
    inputs: dict[int, PlanningInputs] = {}
    for user_id, zone, schedule, at in rows.all():
        assert user_id is not None
        person = inputs.setdefault(user_id, PlanningInputs(user_id, zone, schedule))
        if at is not None:
            person.times.append(at)
    return inputs


async def drop_pending_kinds(
    session: AsyncSession, *, by_kind: Mapping[str, Sequence[int]]
) -> None:
    """Remove the pending (not snoozed) deliveries of each kind for its people (one DELETE)."""
    wanted = [
        sa.and_(col(Delivery.kind) == kind, col(Delivery.user_id).in_(user_ids))
        for kind, user_ids in by_kind.items()
        if user_ids
    ]
    if not wanted:
        return
    await session.exec(
        sa.delete(Delivery).where(
            sa.or_(*wanted),
            col(Delivery.status) == DeliveryStatus.PENDING,
            ~col(Delivery.slot_key).contains(SNOOZE_MARK),
        )
    )


async def insert_slots(
    session: AsyncSession, *, slots: Sequence[tuple[int, str, Slot]]
) -> set[tuple[int, str]]:
    """Insert (user, kind, slot) rows, skipping slots that exist (one INSERT); those inserted."""
    if not slots:
        return set()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(sa.Table, Delivery.__table__)  # type: ignore[attr-defined]
    # one statement with many rows of parameters: SQLAlchemy sends them as multi-row
    # INSERTs ("insertmanyvalues") from a statement compiled once, where a VALUES list
    # built here was compiled afresh for every batch (0.1–0.2 s of CPU for 500 rows)
    statement = insert(table).on_conflict_do_nothing().returning(table.c.user_id, table.c.kind)
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "slot_key": slot.key,
            "due_at": slot.due_utc,
            "next_attempt_at": slot.due_utc,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
        }
        for user_id, kind, slot in slots
    ]
    result = await session.exec(statement, params=rows)
    return {(user_id, kind) for user_id, kind in result.all()}
