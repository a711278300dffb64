"""Which instance sends scheduled deliveries: on PostgreSQL, the one holding an advisory lock.

Telegram's overall budget (about 30 messages a second) belongs to the bot, not to a
process, so several instances must not each spend it on check-ins and summaries. Rather
than a shared token-bucket row (a write on one hot row for every send or every few sends,
from every instance), one sender is elected: the dispatch job of each instance asks for
a session-level advisory lock with ``pg_try_advisory_lock`` on a connection it keeps.
Whoever holds it sends; the others skip that tick. The lock lives exactly as long as
that connection, so an instance that stops or dies (its connection closed or cut)
leaves it to whichever instance asks next, one tick later. Claims stay atomic
(``claim_due``), so even a moment of two holders (a cut the holder has not yet noticed)
never sends a slot twice. SQLite is one host and one process: nothing to elect.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

# the lock's key in this database ("kbsend"); advisory locks never reach other databases
SENDER_LOCK_KEY = 0x6B6273656E64


class SendingTurn:
    """Whether this instance may send scheduled deliveries now."""

    def __init__(self, engine: AsyncEngine, key: int = SENDER_LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._held: AsyncConnection | None = None
        self._guard = asyncio.Lock()
        self.elected = engine.dialect.name == "postgresql"

    @property
    def holding(self) -> bool:
        """True while this instance holds the lock (always on SQLite)."""
        return not self.elected or self._held is not None

    async def take(self) -> bool:
        """True when this instance is the sender for this tick (keeps the lock if it gets it)."""
        if not self.elected:
            return True
        async with self._guard:
            if self._held is not None:
                if await self._still_connected(self._held):
                    return True
                log.warning("lost the connection that held the sending turn")
                self._held = None
            return await self._try_lock()

    async def _still_connected(self, connection: AsyncConnection) -> bool:
        try:
            await connection.execute(sa.text("SELECT 1"))
        except Exception:  # the server let the lock go with the connection
            await _discard(connection)
            return False
        return True

    async def _try_lock(self) -> bool:
        connection = await self._engine.connect()
        try:
            # autocommit: the lock is the session's, and no transaction is left open
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
            got = bool(result.scalar())
        except Exception:
            await _discard(connection)
            raise
        if not got:
            await connection.close()
            return False
        log.info("this instance now sends the scheduled deliveries")
        self._held = connection
        return True

    async def give_up(self) -> None:
        """Let the lock go (on shutdown), so another instance sends from its next tick."""
        async with self._guard:
            connection, self._held = self._held, None
            if connection is None:
                return
            try:
                await connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
                await connection.close()
            except Exception:  # closing the connection lets it go all the same
                await _discard(connection)


async def _discard(connection: AsyncConnection) -> None:
    """Close a connection that must not go back to the pool (it may hold the lock)."""
    try:
        await connection.invalidate()
        await connection.close()
    except Exception:
        log.debug("the connection was gone already")
