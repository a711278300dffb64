"""A person's turn across instances: on PostgreSQL the second update waits for the first."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.conversations import hold_person, person_lock_key
from bot.storage.db import create_engine, session_factory
from tests.support.harness import TEST_KEY

WAITING = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@given(st.integers(min_value=-(2**52), max_value=2**52))
def test_every_telegram_id_folds_into_a_signed_32_bit_key(telegram_id: int) -> None:
    assert -(2**31) <= person_lock_key(telegram_id) < 2**31


async def waiting_locks(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(sa.text(WAITING))).scalar_one())


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_second_update_of_one_person_waits_for_the_first(database_url: str) -> None:
    engine = create_engine(database_url, keys=[TEST_KEY])
    sessions = session_factory(engine)
    try:
        async with sessions() as first, sessions() as other_person:
            await hold_person(first, telegram_id=5001)
            await hold_person(other_person, telegram_id=5002)  # someone else: no wait

            async def second_update() -> None:
                async with sessions() as second:
                    await hold_person(second, telegram_id=5001)

            waiting = asyncio.create_task(second_update())
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 10
            while await waiting_locks(engine) == 0:  # asked every 20 ms until it waits
                assert not waiting.done() and loop.time() < deadline
                await asyncio.sleep(0.02)
            assert not waiting.done()
            await first.commit()  # the first update ends: the second takes its turn
            await asyncio.wait_for(waiting, timeout=10)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_on_sqlite_one_process_needs_no_lock(database_url: str) -> None:
    engine = create_engine(database_url, keys=[TEST_KEY])
    try:
        async with session_factory(engine)() as first, session_factory(engine)() as second:
            await hold_person(first, telegram_id=5001)
            await asyncio.wait_for(hold_person(second, telegram_id=5001), timeout=10)
    finally:
        await engine.dispose()
