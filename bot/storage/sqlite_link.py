"""SQLite connections for SQLAlchemy's async engine: one hand-over to a thread per statement,
or none at all for a person's step.

aiosqlite hands every call to its worker thread and back: opening a cursor, executing,
fetching the rows and closing the cursor are four trips for one statement, and each trip
back waits for the event loop's turn behind everyone else's work. With SQLite's one writer
at a time, those waits add up to each person's step. Here a statement is one trip: the
thread executes it and fetches its rows in one go, and the cursor's other calls are
answered from what came back. Blocking work (a busy timeout, a commit's sync to disk) stays
on the thread, never on the event loop.

Inside ``statements_on_loop()`` (a person's step: a few statements on their own rows) a
statement makes no trip at all: it runs on the event loop, which takes tens of
microseconds, where a trip waits for the loop's turn (milliseconds under load) while the
session holds SQLite's one writer. It runs without waiting for a lock: if another process
holds the database, or a read goes on for more than about a millisecond, the statement is
handed to the thread after all, which waits and reads there. Commits and rollbacks always
go to the thread.

The connection speaks the part of aiosqlite's interface that SQLAlchemy's ``aiosqlite``
dialect uses, so it is passed as the engine's ``async_creator``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

Row = tuple[Any, ...]

# SQLite's virtual machine steps between two calls of the progress handler; a read on the
# event loop still going at the first call (about a millisecond) goes to the thread instead
STEPS_ON_LOOP = 20_000
# what makes a statement on the loop go to the thread: another writer holds the database,
# or the progress handler stopped a long read
_HAND_OVER = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_INTERRUPT}

_on_loop: ContextVar[bool] = ContextVar("kindbreak_sqlite_on_loop", default=False)


@contextmanager
def statements_on_loop() -> Iterator[None]:
    """Within this block, this task's SQLite statements run on the event loop (see above)."""
    token = _on_loop.set(True)
    try:
        yield
    finally:
        _on_loop.reset(token)


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
        self._found = await self._link.execute(sql, parameters)
        self._at = 0
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> Cursor:
        """Run one statement for each set of parameters, in one trip."""
        self._found = await self._link.waiting(_execute_many, sql, parameters)
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

    def __init__(self, database: str, *, timeout: float = 5.0, **options: Any) -> None:
        self._database = database
        self._options = options
        self._wait_ms = int(timeout * 1000)  # the busy timeout of statements on the thread
        self._stop_reads = False  # set while a read runs on the event loop
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None
        self._connection: sqlite3.Connection | None = None  # set while open, as aiosqlite
        self._tx = _Queue(self)

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> Link:
        # used from the loop and from the thread, never from both at once (each call is
        # awaited before the next); a statement on the loop never waits for a lock
        self._conn = await self.run(
            partial(
                sqlite3.connect,
                self._database,
                check_same_thread=False,
                timeout=0,
                **self._options,
            )
        )
        self._conn.set_progress_handler(self._progress, STEPS_ON_LOOP)
        self._connection = self._conn
        return self

    def _progress(self) -> int:
        return 1 if self._stop_reads else 0  # non-zero stops the statement ("interrupted")

    async def execute(self, sql: str, parameters: Sequence[Any]) -> _Results:
        """One statement: on the event loop inside ``statements_on_loop()`` unless it would
        wait or run long, else on the thread."""
        if self._conn is not None and _on_loop.get():
            self._stop_reads = _only_reads(sql)  # a write runs to its end
            try:
                return _execute(self._conn, sql, parameters)
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF not in _HAND_OVER:
                    raise
            finally:
                self._stop_reads = False
        return await self.waiting(_execute, sql, parameters)

    async def waiting(self, function: Callable[..., T], *args: Any) -> T:
        """``function(connection, *args)`` on the thread, waiting out another writer's lock
        for up to the busy timeout."""
        return await self.call(partial(_waiting, function, self._wait_ms), *args)

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
        """Commit the transaction (on the thread: it syncs to disk)."""
        await self.waiting(sqlite3.Connection.commit)

    async def rollback(self) -> None:
        """Roll the transaction back."""
        await self.waiting(sqlite3.Connection.rollback)

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


def _only_reads(sql: str) -> bool:
    """Whether ``sql`` only reads, so that stopping it changes nothing (a stopped write would
    roll back its whole transaction)."""
    words = sql.lstrip()[:6].upper()
    if words.startswith("SELECT"):
        return True
    upper = sql.upper()
    return words.startswith("WITH") and not any(w in upper for w in ("INSERT", "UPDATE", "DELETE"))


def _waiting(function: Callable[..., T], wait_ms: int, conn: sqlite3.Connection, *args: Any) -> T:
    conn.execute(f"PRAGMA busy_timeout={wait_ms}")
    try:
        return function(conn, *args)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


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
