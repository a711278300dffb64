"""Telling a database that is busy or out of reach for a moment from any other failure.

SQLite answers "database is locked" once its busy timeout is spent (another process
holds the write lock). PostgreSQL refuses or drops connections while it restarts or when
an administrator ends them, and gives up on a lock after ``lock_timeout``. Each of these
is worth another try a moment later; every other error is a bug or bad data, which a
second try would only repeat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import sqlalchemy as sa

log = logging.getLogger(__name__)

T = TypeVar("T")

# how long one try waits for another connection's lock (SQLite's busy timeout,
# PostgreSQL's lock_timeout) before it counts as the database being busy: the bot's own
# transactions are short, so a longer wait means something else holds the database
ATTEMPT_LOCK_WAIT = 2.0

FIRST_PAUSE = 0.25  # seconds between tries, doubling up to LONGEST_PAUSE
LONGEST_PAUSE = 2.0

# SQLSTATEs of a moment's trouble: lost connection (class 08), shutting down or starting
# (57P01-57P03), a lock not granted in time, a deadlock or serialisation victim, too many
# connections
_PASSING_STATES = ("08", "57P01", "57P02", "57P03", "55P03", "40001", "40P01", "53300")
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def _sqlstate(error: BaseException) -> str:
    for name in ("sqlstate", "pgcode"):
        value = getattr(error, name, None)
        if isinstance(value, str):
            return value
    cause = error.__cause__
    return _sqlstate(cause) if cause is not None and cause is not error else ""


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database is busy or unreachable for now."""
    if isinstance(error, (OSError, TimeoutError)):  # refused, reset, or no answer in time
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, sa.exc.InterfaceError):
        return True  # the connection broke under the statement
    message = str(error.orig).lower()
    if any(busy in message for busy in _SQLITE_BUSY):
        return True
    state = _sqlstate(error.orig) if error.orig is not None else ""
    return bool(state) and state.startswith(_PASSING_STATES)


def _connection_broke(error: BaseException) -> bool:
    """Whether the statement's connection was found broken (the pool then renews them)."""
    return isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated


async def retrying(
    work: Callable[[], Awaitable[T]],
    *,
    wait: float,
    before_retry: Callable[[], Awaitable[object]] | None = None,
) -> T:
    """The result of ``work`` (one transaction), tried again while the database is
    unavailable, for at most ``wait`` seconds; then the last error is raised.

    ``before_retry`` runs once, after the first try that fails.
    """
    deadline = time.monotonic() + wait
    pause = FIRST_PAUSE
    tries = 0
    noticed = False
    while True:
        try:
            return await work()
        except Exception as error:
            tries += 1
            if not database_unavailable(error) or time.monotonic() + pause >= deadline:
                raise
            if tries == 1 and _connection_broke(error):
                # a pooled connection ended since its last use (connections are not tried
                # on every checkout: ``db.ping_when_idle``): again at once, on a fresh one
                log.info("a pooled database connection was gone; trying again at once")
                continue
            log.warning("the database is unavailable (%s); trying again", type(error).__name__)
        if not noticed and before_retry is not None:
            await before_retry()
        noticed = True
        await asyncio.sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
