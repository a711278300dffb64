"""Loading a period's records and preparing its summary, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.samples import BreakRecord
from bot.storage.db import create_engine, migrate, session_factory
from bot.storage.models import BreakStatus, RatingKind
from bot.storage.periods import (
    MONTH,
    WEEK,
    load_period,
    query_window,
)
from handlers.summary import prepare_summary
from tests.support.explain import explain_ratings_query
from tests.support.factories import create_break, create_rating, create_user, local
from tests.support.harness import TEST_KEY

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
# Sunday 25 October 2026 in Berlin, the day summer time ends
DST_END = datetime(2026, 10, 25, 20, 0, tzinfo=UTC)


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    """A session on a freshly migrated database (SQLite and PostgreSQL)."""
    engine = create_engine(database_url, keys=[TEST_KEY])
    await migrate(engine)
    try:
        async with session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


def test_query_window_follows_local_midnights_with_a_margin() -> None:
    previous, start, until = query_window(DST_END, BERLIN, WEEK)
    # Monday 12 October 00:00 CEST, Monday 19 October 00:00 CEST, Monday 26 October 00:00 CET
    assert previous == datetime(2026, 10, 11, 19, 0, tzinfo=UTC)
    assert start == datetime(2026, 10, 18, 19, 0, tzinfo=UTC)
    assert until == datetime(2026, 10, 26, 2, 0, tzinfo=UTC)
    previous, start, until = query_window(DST_END, BERLIN, MONTH)
    assert start == datetime(2026, 9, 25, 19, 0, tzinfo=UTC)  # Saturday 26 September, local
    assert previous == datetime(2026, 8, 26, 19, 0, tzinfo=UTC)


async def test_loads_one_persons_period_with_tags_and_breaks(session: AsyncSession) -> None:
    me = await create_user(session, telegram_id=1, time_zone=BERLIN)
    other = await create_user(session, telegram_id=2, time_zone=BERLIN)
    assert me.id is not None and other.id is not None
    first = await create_rating(
        session, user_id=me.id, value=4, at=local(2026, 10, 19, 0, 30), tags=["tired", "anxious"]
    )
    await create_rating(session, user_id=me.id, value=6, at=local(2026, 10, 25, 23, 30))
    await create_rating(session, user_id=me.id, value=2, at=local(2026, 10, 12, 9))  # previous
    await create_rating(session, user_id=me.id, value=9, at=local(2026, 10, 5, 9))  # too early
    await create_rating(session, user_id=me.id, value=9, at=local(2026, 10, 26, 8))  # too late
    await create_rating(session, user_id=other.id, value=1, at=local(2026, 10, 20, 9))
    await create_break(
        session, user_id=me.id, started_at=local(2026, 10, 21, 13), before=3, after=5
    )
    await create_break(
        session,
        user_id=me.id,
        started_at=local(2026, 10, 22, 13),
        before=2,
        after=None,
        status=BreakStatus.ABANDONED,
    )
    await create_break(  # before the period: not needed
        session, user_id=me.id, started_at=local(2026, 10, 14, 13), before=1, after=2
    )
    await session.commit()

    records = await load_period(session, user_id=me.id, zone=BERLIN, period_end=DST_END, days=7)
    assert [(r.at, r.value, r.kind, r.tags) for r in records.ratings] == [
        (local(2026, 10, 12, 9), 2, "checkin", ()),
        (local(2026, 10, 14, 13), 1, "break_before", ()),
        (local(2026, 10, 14, 13, 5), 2, "break_after", ()),
        (first.rated_at, 4, "checkin", ("anxious", "tired")),
        (local(2026, 10, 21, 13), 3, "break_before", ()),
        (local(2026, 10, 21, 13, 5), 5, "break_after", ()),
        (local(2026, 10, 22, 13), 2, "break_before", ()),
        (local(2026, 10, 25, 23, 30), 6, "checkin", ()),
    ]
    assert records.breaks == (
        BreakRecord(local(2026, 10, 21, 13), 3, 5, True),
        BreakRecord(local(2026, 10, 22, 13), 2, None, False),
    )


async def test_late_evening_in_new_york_stays_on_its_local_day(session: AsyncSession) -> None:
    me = await create_user(session, telegram_id=1, time_zone=NEW_YORK)
    assert me.id is not None
    # 23:30 on Sunday 1 November in New York (summer time ended that night) is 04:30 UTC Monday
    late = local(2026, 11, 1, 23, 30, zone=NEW_YORK)
    assert late == datetime(2026, 11, 2, 4, 30, tzinfo=UTC)
    await create_rating(session, user_id=me.id, value=3, at=local(2026, 10, 29, zone=NEW_YORK))
    await create_rating(session, user_id=me.id, value=5, at=local(2026, 10, 30, zone=NEW_YORK))
    await create_rating(session, user_id=me.id, value=8, at=late)
    await session.commit()

    end = datetime(2026, 11, 2, 4, 45, tzinfo=UTC)  # 23:45 on Sunday in New York
    prepared = await prepare_summary(
        session, user_id=me.id, zone=NEW_YORK, period_end=end, language="en"
    )
    summary = prepared.summary
    assert (summary.start.isoformat(), summary.end.isoformat()) == ("2026-10-26", "2026-11-01")
    assert [day.mean for day in summary.days] == [None, None, None, 3.0, 5.0, None, 8.0]
    assert prepared.chart is not None
    assert prepared.chart.labels[-1] == "Sun 1"


async def test_sparse_summary_has_no_chart_and_names_tags_in_words(
    session: AsyncSession,
) -> None:
    me = await create_user(session, telegram_id=1, time_zone=BERLIN)
    assert me.id is not None
    await create_rating(session, user_id=me.id, value=5, at=local(2026, 10, 20, 9))
    await session.commit()
    prepared = await prepare_summary(
        session, user_id=me.id, zone=BERLIN, period_end=DST_END, language="en"
    )
    assert prepared.summary.is_sparse and prepared.chart is None
    assert "You rated your mood once this week: 5." in prepared.text
    with pytest.raises(ValueError, match="no chart"):
        await prepared.render()

    for day in (21, 22):
        await create_rating(
            session,
            user_id=me.id,
            value=7,
            at=local(2026, 10, day, 9),
            kind=RatingKind.QUICK,
            tags=["overwhelmed", "no_longer_offered"],
        )
    await session.commit()
    prepared = await prepare_summary(
        session, user_id=me.id, zone=BERLIN, period_end=DST_END, language="en"
    )
    assert prepared.chart is not None
    assert "Feelings that came up most: no_longer_offered, overwhelmed." in prepared.text
    png = await prepared.render()
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 1200


async def test_the_weeks_query_uses_the_user_time_index(session: AsyncSession) -> None:
    me = await create_user(session, telegram_id=1, time_zone=BERLIN)
    assert me.id is not None
    await create_rating(session, user_id=me.id, value=5, at=local(2026, 10, 20, 9))
    await session.commit()
    since, _start, until = query_window(DST_END, BERLIN, WEEK)
    if session.get_bind().dialect.name == "postgresql":
        # a tiny table is cheaper to scan: ask the planner what it would do with many rows
        await session.exec(sa.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(await explain_ratings_query(session, user_id=me.id, since=since, until=until))
    assert "ix_mood_user_time" in plan, plan
    assert "SCAN mood_ratings" not in plan and "Seq Scan on mood_ratings" not in plan, plan
