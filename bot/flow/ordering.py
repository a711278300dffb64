"""Different people's updates at once; each person's updates one at a time, in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# updates taken from Telegram and not yet finished (most of them waiting for their turn)
MAX_PENDING_UPDATES = 1024
# updates handled at the same moment (the database pool queues their sessions beyond its size)
MAX_ACTIVE_UPDATES = 64

# told of every finished update and the seconds it took (for the figures)
Observer = Callable[[object, float], None]


def person_key(update: object) -> int | None:
    """Whose updates must stay in order: the person's, else the chat's (None: no one's)."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerPersonOrder(BaseUpdateProcessor):
    """Runs updates concurrently, except that one person's wait for their previous one.

    A slow update (a chart, a slow answer from Telegram) holds up only its own person.
    The application starts one task per update in arrival order, and each takes its
    place in its person's line before its first ``await``, so arrival order is kept.
    An update waiting for its turn holds none of the ``active`` places, so one person
    sending many updates at once cannot hold up everyone else.
    """

    def __init__(
        self,
        pending: int = MAX_PENDING_UPDATES,
        active: int = MAX_ACTIVE_UPDATES,
        *,
        observe: Observer | None = None,
    ) -> None:
        super().__init__(pending)
        self._active = asyncio.Semaphore(active)
        self._last: dict[int, asyncio.Future[None]] = {}
        self._observe = observe

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        """Handle one update in its person's turn; tell the observer how long it took."""
        if self._observe is None:
            await self._in_turn(update, coroutine)
            return
        started = time.perf_counter()
        try:
            await self._in_turn(update, coroutine)
        finally:
            self._observe(update, time.perf_counter() - started)

    async def _in_turn(self, update: object, coroutine: Awaitable[object]) -> None:
        """Wait for this person's previous update, then handle this one."""
        key = person_key(update)
        if key is None:
            async with self._active:
                await coroutine
            return
        previous = self._last.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = mine
        try:
            if previous is not None:
                await asyncio.wait([previous])  # its outcome is its own; only the order matters
            async with self._active:
                await coroutine
        finally:
            mine.set_result(None)
            if self._last.get(key) is mine:
                del self._last[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""
