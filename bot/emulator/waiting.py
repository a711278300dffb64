"""Waiting for the bot from async tests: a condition, a message, an answer, a request."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import TypeVar

from bot.emulator.observation import Observation
from bot.emulator.records import BotMessage, JsonDict, RecordedRequest

T = TypeVar("T")


def _shorten(params: Mapping[str, object], limit: int = 160) -> str:
    """Request parameters for an error message: uploads as their size, cut at ``limit``."""
    shown = {k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in params.items()}
    text = repr(shown)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Waiting(Observation):
    """Awaitable helpers woken by every change, failing with the last requests on timeout."""

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        description: str | None = None,
    ) -> T:
        """Wait until ``predicate()`` returns something other than None/False; return it."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

        with self._cond:
            self._async_wakers.add(wake)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    event.clear()
                    result = predicate()
                    if result is not None and result is not False:
                        return result
                    await event.wait()
        except TimeoutError:
            raise TimeoutError(self._timeout_message(timeout, description)) from None
        finally:
            with self._cond:
                self._async_wakers.discard(wake)

    def _timeout_message(self, timeout: float, description: str | None) -> str:
        with self._cond:
            recent = self.requests[-6:]
        lines = [
            f"  {r.method}({_shorten(r.params)}) -> "
            + ("ok" if r.response_ok else f"error {r.error_code}: {r.description}")
            for r in recent
        ]
        what = description or "the condition"
        tail = "\n".join(lines) if lines else "  (none)"
        return f"timed out after {timeout}s waiting for {what}; last requests:\n{tail}"

    async def next_message(
        self,
        chat_id: int,
        *,
        after: int | None = None,
        timeout: float = 5.0,
    ) -> BotMessage:
        """The first bot message in a chat with message_id > ``after`` (default: now)."""
        floor = self.mark(chat_id) if after is None else after

        def find() -> BotMessage | None:
            return next((m for m in self.chat_messages(chat_id) if m.message_id > floor), None)

        return await self.wait_for(
            find, timeout, description=f"a bot message in chat {chat_id} after #{floor}"
        )

    async def wait_callback_answered(self, query_id: str, timeout: float = 5.0) -> JsonDict:
        """The parameters the bot answered callback query ``query_id`` with."""
        return await self.wait_for(
            lambda: self.callback_answers.get(query_id),
            timeout,
            description=f"an answer to callback query {query_id}",
        )

    async def wait_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
        after_index: int = 0,
    ) -> RecordedRequest:
        """The first recorded ``method`` call from ``after_index`` on matching ``predicate``."""

        def find() -> RecordedRequest | None:
            with self._cond:
                candidates = self.requests[after_index:]
            return next(
                (
                    r
                    for r in candidates
                    if r.method == method and (predicate is None or predicate(r))
                ),
                None,
            )

        return await self.wait_for(find, timeout, description=f"a {method} request")
