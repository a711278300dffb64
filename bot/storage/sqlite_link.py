"""SQLite connections for SQLAlchemy's async engine: one hand-over to a thread per statement.

aiosqlite hands every call to its worker thread and back: opening a cursor, executing,
fetching the rows and closing the cursor are four trips for one statement, and each trip
back waits for the event loop's turn behind everyone else's work. With SQLite's one writer
at a time, those waits add up to each person's step. Here a statement is one trip: the
thread executes it and fetches its rows in one go, and the cursor's other calls are
answered from what came back. Blocking work (the statement, a busy timeout) stays on the
thread, never on the event loop.

The connection speaks the part of aiosqlite's interface that SQLAlchemy's ``aiosqlite``
dialect uses, so it is passed as the engine's ``async_creator``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

Row = tuple[Any, ...]


class _Results:
    """What one statement left behind: its description, counts and rows."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.description = cursor.description
        self.rows: list[Row] = cursor.fetchall() if cursor.description else []
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        cursor.close()


class Cursor:
    """A cursor whose ``execute`` is one trip to the connection's thread."""

    arraysize = 1

    def __init__(self, link: Link) -> None:
        self._link = link
        self._found: _Results | None = None
        self._at = 0

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        """The columns of the last statement's rows (None if it returned none)."""
        return self._found.description if self._found else None

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed (-1 if unknown)."""
        return self._found.rowcount if self._found else -1

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last inserted row."""
        return self._found.lastrowid if self._found else None

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Cursor:
        """Run one statement and take all its rows, in one trip."""
        self._found = await self._link.call(_execute, sql, parameters)
        self._at = 0
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> Cursor:
        """Run one statement for each set of parameters, in one trip."""
        self._found = await self._link.call(_execute_many, sql, parameters)
        self._at = 0
        return self

    async def fetchall(self) -> list[Row]:
        """The rows not fetched yet."""
        rows = self._rows()[self._at :]
        self._at += len(rows)
        return rows

    async def fetchone(self) -> Row | None:
        """The next row, or None."""
        rows = self._rows()
        if self._at >= len(rows):
            return None
        self._at += 1
        return rows[self._at - 1]

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        """The next ``size`` rows (``arraysize`` if not given)."""
        count = self.arraysize if size is None else size
        rows = self._rows()[self._at : self._at + count]
        self._at += len(rows)
        return rows

    async def close(self) -> None:
        """Forget the rows (the SQLite cursor was closed in the thread already)."""
        self._found = None

    def _rows(self) -> list[Row]:
        return self._found.rows if self._found else []


class _Queue:
    """aiosqlite's queue of calls, as SQLAlchemy uses it to set the isolation level."""

    def __init__(self, link: Link) -> None:
        self._link = link

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        done = asyncio.ensure_future(self._link.run(function))
        done.add_done_callback(partial(_settle, future))


def _settle(future: asyncio.Future[Any], done: asyncio.Future[Any]) -> None:
    if future.done():
        return
    if done.exception() is not None:
        future.set_exception(done.exception())  # type: ignore[arg-type]
    else:
        future.set_result(done.result())


class Link:
    """One SQLite connection, living on a thread of its own."""

    def __init__(self, database: str, **options: Any) -> None:
        self._database = database
        self._options = options
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None
        self._connection: sqlite3.Connection | None = None  # set while open, as aiosqlite
        self._tx = _Queue(self)

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> Link:
        self._conn = await self.run(
            partial(sqlite3.connect, self._database, check_same_thread=True, **self._options)
        )
        self._connection = self._conn
        return self

    async def run(self, function: Callable[[], T]) -> T:
        """``function()`` on the connection's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, function)

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(connection, *args)`` on the connection's thread."""
        if self._conn is None:
            raise ValueError("Connection closed")
        return await self.run(partial(function, self._conn, *args))

    @property
    def isolation_level(self) -> str | None:
        """The connection's isolation level (read without a trip: SQLite allows it)."""
        return self._conn.isolation_level if self._conn is not None else None

    def cursor(self) -> Cursor:
        """A cursor (no trip: its statement makes the trip)."""
        return Cursor(self)

    async def commit(self) -> None:
        """Commit the transaction."""
        await self.call(sqlite3.Connection.commit)

    async def rollback(self) -> None:
        """Roll the transaction back."""
        await self.call(sqlite3.Connection.rollback)

    async def create_function(self, *args: Any, **kw: Any) -> None:
        """Register an SQL function on the connection."""
        await self.call(partial(_create_function, args=args, kw=kw))

    async def close(self) -> None:
        """Close the connection and let its thread go."""
        if self._conn is not None:
            conn, self._conn, self._connection = self._conn, None, None
            await self.run(conn.close)
        self._thread.shutdown(wait=False)

    def stop(self) -> None:
        """Close at once, without waiting (SQLAlchemy's terminate)."""
        conn, self._conn, self._connection = self._conn, None, None
        if conn is not None:
            self._thread.submit(conn.close)
        self._thread.shutdown(wait=False)


def _execute(conn: sqlite3.Connection, sql: str, parameters: Sequence[Any]) -> _Results:
    return _Results(conn.execute(sql, parameters))


def _execute_many(
    conn: sqlite3.Connection, sql: str, parameters: Sequence[Sequence[Any]]
) -> _Results:
    return _Results(conn.executemany(sql, parameters))


def _create_function(conn: sqlite3.Connection, *, args: Any, kw: Any) -> None:
    conn.create_function(*args, **kw)


def connector(database: str, **options: Any) -> Callable[[], Link]:
    """The engine's ``async_creator``: a new connection to ``database`` per call."""
    return partial(Link, database, **options)
