"""SQLite through the engine's own connections: one trip per statement, waits off the loop."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.availability import database_unavailable
from bot.storage.db import create_engine
from bot.storage.sqlite_link import Link, statements_on_loop
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


async def _trips_of(
    tmp_path: Path, sql: str, monkeypatch: pytest.MonkeyPatch, *, on_loop: bool
) -> tuple[list[tuple[object, ...]], int]:
    """The rows of ``sql`` on a new engine (inside ``statements_on_loop()`` if ``on_loop``),
    and the trips to the connection's thread it took."""
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
            with statements_on_loop() if on_loop else contextlib.nullcontext():
                rows = [tuple(row) for row in (await connection.execute(sa.text(sql))).all()]
            monkeypatch.undo()
    finally:
        await engine.dispose()
    return rows, trips


@contextlib.asynccontextmanager
async def _another_writer(
    tmp_path: Path, *, lock_wait_seconds: float
) -> AsyncIterator[tuple[AsyncEngine, sqlite3.Connection]]:
    """An engine on a file with table ``t``, and another process's connection holding the
    file's write lock."""
    path = tmp_path / "kb.db"
    engine = create_engine(
        f"sqlite:///{path}", keys=[TEST_KEY], lock_wait_seconds=lock_wait_seconds
    )
    other = sqlite3.connect(path, isolation_level=None)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        other.execute("BEGIN IMMEDIATE")  # another process's write lock
        yield engine, other
    finally:
        other.close()
        await engine.dispose()


async def test_a_statement_with_its_rows_is_one_trip_to_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, trips = await _trips_of(
        tmp_path, "SELECT 1, 2 UNION SELECT 3, 4", monkeypatch, on_loop=False
    )
    assert rows == [(1, 2), (3, 4)]
    assert trips == 1


async def test_waiting_for_another_writer_leaves_the_event_loop_free(tmp_path: Path) -> None:
    ticks = 0
    async with _another_writer(tmp_path, lock_wait_seconds=0.5) as (engine, _other):

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
    assert database_unavailable(caught.value)  # "database is locked": tried again later
    assert ticks >= 10  # the loop ran on through the half-second busy wait


async def test_a_step_s_statement_runs_on_the_loop_with_no_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows, trips = await _trips_of(
        tmp_path, "SELECT 1, 2 UNION SELECT 3, 4", monkeypatch, on_loop=True
    )
    assert rows == [(1, 2), (3, 4)]
    assert trips == 0


async def test_a_long_read_on_the_loop_is_handed_to_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
        "SELECT count(*), sum(i) FROM n"
    )
    rows, trips = await _trips_of(tmp_path, count, monkeypatch, on_loop=True)
    assert rows == [(100_000, 5_000_050_000)]  # read whole, on the thread
    assert trips == 1


async def test_a_write_on_the_loop_waits_for_another_writer_on_the_thread(
    tmp_path: Path,
) -> None:
    ticks = 0
    async with _another_writer(tmp_path, lock_wait_seconds=5) as (engine, other):
        other.execute("INSERT INTO t VALUES (1)")
        released = asyncio.Event()

        async def tick_then_release() -> None:
            nonlocal ticks
            while ticks < 10:  # the loop goes on while the write waits on the thread
                ticks += 1
                await asyncio.sleep(0.01)
            other.execute("COMMIT")
            released.set()

        ticker = asyncio.create_task(tick_then_release())
        with statements_on_loop():
            async with engine.begin() as connection:
                await connection.execute(sa.text("INSERT INTO t VALUES (2)"))
        await asyncio.wait_for(released.wait(), timeout=5)
        await ticker
        async with engine.connect() as connection:
            stored = (await connection.execute(sa.text("SELECT id FROM t ORDER BY id"))).all()
    assert ticks == 10
    assert [row[0] for row in stored] == [1, 2]  # written once the other writer was done
