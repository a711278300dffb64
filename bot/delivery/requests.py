"""Bot API requests with a bounded number in flight, on a small pool of connections.

httpcore's pool looks at every one of its connections (and polls each idle socket) on
every request it starts and ends, so its cost per request grows with the number of
connections. python-telegram-bot's default pool of 256 connections, with the updates of
many people handled at once, made that bookkeeping about a fifth of the bot's CPU. Here at
most ``size`` requests are handed to httpcore at once, on a pool of that size: the rest
wait their turn in order, before httpcore, where waiting costs nothing per connection.
"""

from __future__ import annotations

import asyncio

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import HTTPXRequest, RequestData


class BoundedRequest(HTTPXRequest):
    """``HTTPXRequest`` with at most ``size`` requests in flight, first come first served."""

    def __init__(self, size: int, **kwargs: object) -> None:
        # waiting happens before the pool, so its own timeout is never what a request meets
        super().__init__(connection_pool_size=size, **kwargs)  # type: ignore[arg-type]
        self._turns = asyncio.Semaphore(size)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See ``HTTPXRequest.do_request``; waits for a free turn first."""
        async with self._turns:
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
