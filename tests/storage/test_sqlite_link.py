"""SQLite through the engine's own connections: one trip per statement, waits off the loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage.availability import database_unavailable
from bot.storage.db import create_engine
from bot.storage.sqlite_link import Link
from tests.support.harness import TEST_KEY


async def test_rows_written_in_one_transaction_are_read_in_the_next(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}", keys=[TEST_KEY])
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            await connection.execute(
                sa.text("INSERT INTO t (v) VALUES (:v)"), [{"v": "a"}, {"v": "b"}, {"v": "c"}]
            )
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.text("SELECT id, v FROM t ORDER BY id"))).all()
            changed = await connection.execute(sa.text("UPDATE t SET v = 'z' WHERE id > 1"))
            await connection.rollback()
            after = (await connection.execute(sa.text("SELECT v FROM t ORDER BY id"))).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(1, "a"), (2, "b"), (3, "c")]
    assert changed.rowcount == 2
    assert [row[0] for row in after] == ["a", "b", "c"]  # the rollback undid the update


async def test_a_broken_constraint_is_an_integrity_error(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}", keys=[TEST_KEY])
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
            await connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        with pytest.raises(sa.exc.IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(sa.text("INSERT INTO t VALUES (1)"))
    finally:
        await engine.dispose()


async def test_a_statement_with_its_rows_is_one_trip_to_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}", keys=[TEST_KEY])
    trips = 0
    run = Link.run

    async def counted(self: Link, function: object) -> object:
        nonlocal trips
        trips += 1
        return await run(self, function)  # type: ignore[arg-type]

    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))  # the connection is open and set up
            monkeypatch.setattr(Link, "run", counted)
            rows = (await connection.execute(sa.text("SELECT 1, 2 UNION SELECT 3, 4"))).all()
            monkeypatch.undo()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(1, 2), (3, 4)]
    assert trips == 1


async def test_waiting_for_another_writer_leaves_the_event_loop_free(tmp_path: Path) -> None:
    path = tmp_path / "kb.db"
    engine = create_engine(f"sqlite:///{path}", keys=[TEST_KEY], lock_wait_seconds=0.5)
    other = sqlite3.connect(path, isolation_level=None)
    ticks = 0
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        other.execute("BEGIN IMMEDIATE")  # another process's write lock

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        ticker = asyncio.create_task(tick())
        with pytest.raises(sa.exc.OperationalError) as caught:
            async with engine.begin() as connection:
                await connection.execute(sa.text("INSERT INTO t VALUES (1)"))
        ticker.cancel()
    finally:
        other.close()
        await engine.dispose()
    assert database_unavailable(caught.value)  # "database is locked": tried again later
    assert ticks >= 10  # the loop ran on through the half-second busy wait
