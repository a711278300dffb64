"""Telegram's send limits, with answers to people first and scheduled sends after.

Telegram allows about 30 messages a second overall, 20 a minute in one group, and says so
with a 429 (``retry_after``) when a bot goes beyond. ``ReplyFirstRateLimiter``:

- an answer to someone's update (a button answer, an edit, a reply) goes out at once: it
  draws on the overall budget but never waits for it;
- a scheduled send (check-ins, summaries: anything inside ``scheduled_sends()``) waits for
  the budget that answers leave, so answers are never queued behind a batch of prompts;
  no one second ever holds more scheduled sends (with the answers of that second) than one
  below the limit: a burst of a second's budget followed by the next second's would hold
  twice the limit, and Telegram answers 429 to the sends beyond it;
- a 429 holds back the chat it names for its ``retry_after``, then the request is tried
  again (twice at most; after that the dispatcher reschedules a scheduled delivery); a 429
  met by a scheduled send also pauses every scheduled send for that time, answers not;
- messages to a group keep to 20 a minute; paid broadcasts (``allow_paid_broadcast``) have
  a budget of their own of 1,000 a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.core.log_ids import log_id

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = 30.0
PAID_PER_SECOND = 1000.0
GROUP_PER_MINUTE = 20
MAX_RETRIES = 2
EPSILON = 1e-6  # seconds and tokens below this are rounding

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
JSON = bool | dict[str, Any] | list[dict[str, Any]]

_scheduled: ContextVar[bool] = ContextVar("kindbreak_scheduled_send", default=False)


@contextlib.contextmanager
def scheduled_sends() -> Iterator[None]:
    """Within this block, Bot API calls are scheduled sends: they wait for the budget."""
    token = _scheduled.set(True)
    try:
        yield
    finally:
        _scheduled.reset(token)


class SendWindow:
    """The sends of the last second: answers go at once (and count), scheduled sends wait.

    A scheduled send goes only while fewer than ``limit`` sends went out in the last second,
    so no one second ever holds more than ``limit`` of them with what answers took, and at
    least half its share of a second after the previous scheduled send, so a second's
    budget is spread over it rather than sent at once; a send that wakes late loses
    nothing (the next may follow sooner), unlike a bucket that saves one token at most.
    """

    def __init__(self, limit: int, *, clock: Clock, sleep: Sleep) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._spacing = 0.5 / limit
        self._last_waited = -self._spacing
        self._paused_until = 0.0
        self._queue = asyncio.Lock()  # scheduled sends wait in turn

    def _forget(self, now: float) -> None:
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()

    def take_now(self) -> None:
        """Count one send that does not wait (an answer)."""
        now = self._clock()
        self._forget(now)
        self._sent.append(now)

    def pause(self, seconds: float) -> None:
        """Waiting sends wait at least ``seconds`` more (after a 429)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def wait(self) -> None:
        """Wait until one more send fits into the last second, behind anyone already waiting."""
        async with self._queue:
            while True:
                now = self._clock()
                self._forget(now)
                hold = max(self._paused_until, self._last_waited + self._spacing) - now
                full = len(self._sent) >= self.limit
                if hold <= EPSILON and not full:
                    self._sent.append(now)
                    self._last_waited = now
                    return
                # the oldest of the last ``limit`` sends leaves the window first
                freed = self._sent[-self.limit] + 1.0 - now if full else 0.0
                await self._sleep(max(hold, freed, EPSILON))


class GroupWindow:
    """At most ``limit`` sends in any ``period`` seconds to one group."""

    def __init__(self, limit: int, period: float, *, clock: Clock, sleep: Sleep) -> None:
        self.limit, self.period = limit, period
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()

    def idle(self) -> bool:
        """True when nothing was sent within the last period."""
        return not self._sent or self._clock() - self._sent[-1] >= self.period

    async def wait(self) -> None:
        """Wait until one more send fits into the window."""
        while True:
            now = self._clock()
            while self._sent and now - self._sent[0] >= self.period:
                self._sent.popleft()
            if len(self._sent) < self.limit:
                self._sent.append(now)
                return
            await self._sleep(self._sent[0] + self.period - now)


def _seconds(exc: RetryAfter) -> float:
    delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


class ReplyFirstRateLimiter(BaseRateLimiter[None]):
    """Answers at once, scheduled sends within what is left; 429s held per chat."""

    def __init__(
        self,
        *,
        per_second: float = OVERALL_PER_SECOND,
        group_per_minute: int = GROUP_PER_MINUTE,
        max_retries: int = MAX_RETRIES,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        log_secret: str = "",
    ) -> None:
        self._clock, self._sleep = clock, sleep
        self._log_secret = log_secret
        # one send a second below the limit: room for requests that arrive bunched together
        self.overall = SendWindow(int(per_second) - 1, clock=clock, sleep=sleep)
        self.paid = SendWindow(int(PAID_PER_SECOND) - 1, clock=clock, sleep=sleep)
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self._groups: dict[int | str, GroupWindow] = {}
        self._chat_free_at: dict[int | str, float] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def _group(self, chat_id: int | str) -> GroupWindow:
        if len(self._groups) > 512:  # forget groups that sent nothing for a minute
            self._groups = {k: w for k, w in self._groups.items() if not w.idle()}
        window = self._groups.get(chat_id)
        if window is None:
            window = self._groups[chat_id] = GroupWindow(
                self.group_per_minute, 60.0, clock=self._clock, sleep=self._sleep
            )
        return window

    async def _chat_hold(self, chat_id: int | str | None) -> None:
        """Wait out a 429 this chat had."""
        if chat_id is None:
            return
        free_at = self._chat_free_at.get(chat_id)
        if free_at is None:
            return
        wait = free_at - self._clock()
        if wait <= 0:
            del self._chat_free_at[chat_id]
            return
        await self._sleep(wait)

    def _held(self, chat_id: int | str | None, seconds: float) -> None:
        if len(self._chat_free_at) > 4096:
            now = self._clock()
            self._chat_free_at = {k: v for k, v in self._chat_free_at.items() if v > now}
        if chat_id is not None:
            self._chat_free_at[chat_id] = self._clock() + seconds

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSON:
        """Send one Bot API request under the rules above."""
        chat_id = _chat_id(data.get("chat_id"))
        scheduled = _scheduled.get()
        paid = bool(data.get("allow_paid_broadcast"))
        for attempt in range(self.max_retries + 1):
            await self._chat_hold(chat_id)
            if chat_id is not None:
                await self._budget(chat_id, scheduled=scheduled, paid=paid)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = _seconds(exc) + 0.1
                self._held(chat_id, seconds)
                if scheduled:
                    (self.paid if paid else self.overall).pause(seconds)
                if attempt == self.max_retries:
                    raise
                chat = "?" if chat_id is None else log_id(chat_id, self._log_secret)
                log.info("%s: Telegram asks to wait %.1f s (chat %s)", endpoint, seconds, chat)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _budget(self, chat_id: int | str, *, scheduled: bool, paid: bool) -> None:
        if isinstance(chat_id, str) or chat_id < 0:  # groups, channels
            await self._group(chat_id).wait()
        window = self.paid if paid else self.overall
        if scheduled:
            await window.wait()
        else:
            window.take_now()


def _chat_id(raw: object) -> int | str | None:
    """The chat a request is for (an int, or a channel's @name), if any."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw))
    except ValueError:
        return str(raw)
