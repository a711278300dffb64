"""Planning a whole batch's next slots: the same slots as one by one, in constant statements."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.planning import plan_next_batch
from bot.storage.db import create_engine, migrate, session_factory
from bot.storage.models import (
    CheckinSchedule,
    CheckinTime,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
)
from tests.support.factories import create_user
from tests.support.harness import TEST_KEY

CHECKIN, SUMMARY = DeliveryKind.CHECKIN, DeliveryKind.SUMMARY
# Monday 23 November 2026, 08:00 UTC (09:00 in Berlin)
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[Any]:
    """A freshly migrated database (SQLite and PostgreSQL)."""
    the_engine = create_engine(database_url, keys=[TEST_KEY])
    await migrate(the_engine)
    try:
        yield the_engine
    finally:
        await the_engine.dispose()


async def person(session: AsyncSession, telegram_id: int, *, checkins: bool = True) -> int:
    """Someone in Berlin with check-ins at 09:00 and 21:00 (or off)."""
    user = await create_user(session, telegram_id=telegram_id, time_zone="Europe/Berlin")
    assert user.id is not None
    session.add(CheckinSchedule(user_id=user.id, enabled=checkins, updated_at=NOW))
    for at in (time(9), time(21)):
        session.add(CheckinTime(user_id=user.id, at=at))
    await session.flush()
    return user.id


async def pending(session: AsyncSession, user_id: int) -> dict[str, datetime]:
    rows = await session.exec(
        select(Delivery).where(
            Delivery.user_id == user_id, Delivery.status == DeliveryStatus.PENDING
        )
    )
    return {d.kind: d.due_at for d in rows.all()}


async def test_next_slots_of_a_batch(engine: Any) -> None:
    async with session_factory(engine)() as session:
        both, off, away, taken = [await person(session, 7000 + i) for i in range(4)]
        await session.exec(
            sa.update(CheckinSchedule)
            .where(col(CheckinSchedule.user_id) == off)
            .values(enabled=False)
        )
        inactive = await create_user(session, telegram_id=7009, active=False)
        assert inactive.id is not None
        # the 21:00 slot exists already (sent before a zone change): the next free one is taken
        session.add(
            Delivery(
                user_id=taken,
                kind=CHECKIN,
                slot_key="2026-11-23T21:00",
                due_at=datetime(2026, 11, 23, 20, tzinfo=UTC),
                next_attempt_at=datetime(2026, 11, 23, 20, tzinfo=UTC),
                status=DeliveryStatus.SENT,
            )
        )
        await session.flush()
        kinds = {CHECKIN, SUMMARY}
        wanted = {uid: (kinds, NOW) for uid in (both, off, taken, inactive.id)}
        wanted[away] = ({CHECKIN}, NOW)
        await plan_next_batch(session, wanted=wanted)
        await session.commit()

        sunday = datetime(2026, 11, 29, 17, tzinfo=UTC)  # 18:00 in Berlin
        assert await pending(session, both) == {
            CHECKIN: datetime(2026, 11, 23, 20, tzinfo=UTC),  # 21:00 in Berlin
            SUMMARY: sunday,
        }
        assert await pending(session, off) == {SUMMARY: sunday}
        assert await pending(session, away) == {CHECKIN: datetime(2026, 11, 23, 20, tzinfo=UTC)}
        assert await pending(session, taken) == {
            CHECKIN: datetime(2026, 11, 24, 8, tzinfo=UTC),  # Tuesday 09:00
            SUMMARY: sunday,
        }
        assert await pending(session, inactive.id) == {}

        # planned again: the pending rows are replaced, never doubled
        await plan_next_batch(session, wanted={both: (kinds, NOW)})
        await session.commit()
        rows = await session.exec(select(Delivery).where(Delivery.user_id == both))
        assert len(rows.all()) == 2


async def test_statements_per_batch_do_not_grow_with_the_batch(engine: Any) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    async with session_factory(engine)() as session:
        people = [await person(session, 8000 + i) for i in range(40)]
        await session.commit()
        used = []
        for batch in (people[:3], people[3:]):
            statements.clear()
            sa.event.listen(engine.sync_engine, "before_cursor_execute", count)
            try:
                await plan_next_batch(
                    session, wanted={uid: ({CHECKIN, SUMMARY}, NOW) for uid in batch}
                )
            finally:
                sa.event.remove(engine.sync_engine, "before_cursor_execute", count)
            await session.commit()
            used.append(
                len([s for s in statements if not s.upper().startswith(("SAVEPOINT", "RELEASE"))])
            )
    assert used[0] == used[1] <= 3
