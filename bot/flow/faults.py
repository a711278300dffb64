"""Telegram faults while answering someone: a short retry, and what a failed send means.

An answer to a person is sent after the step's new state is stored. A passing fault
(Telegram's 5xx, a timeout, a dropped connection, a 429 asking for a short wait) is met
by trying the same call again, a few times at most; a button answer is tried again only
when it surely did not arrive, as Telegram takes each answer once. What still fails is
reported as an ``Outcome``, and the router makes sure the step is shown again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from telegram import CallbackQuery
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery.requests import surely_unsent as surely_unsent_call

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_DELAYS = (0.25, 1.0)  # seconds before the second and the third try
SHORT_WAIT = 5.0  # a 429 asking for longer is not waited out while someone waits for an answer


class Outcome(StrEnum):
    """How sending one answer went."""

    SENT = "sent"
    FAILED = "failed"  # a fault outlasted the retries, or the answer could not be made
    BLOCKED = "blocked"  # Telegram says 403: the person blocked the bot or left


def _seconds(exc: RetryAfter) -> float:
    delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


def surely_unsent(exc: TelegramError) -> bool:
    """True when the call surely had no effect, so trying again cannot make a second one."""
    if isinstance(exc, RetryAfter):
        return True
    if isinstance(exc, BadRequest | Forbidden) or not isinstance(exc, NetworkError):
        return False
    return surely_unsent_call(exc)


def retry_wait(exc: TelegramError, *, unsent_only: bool = False) -> float | None:
    """Seconds to wait before trying ``exc``'s call again, or None when that cannot help."""
    if isinstance(exc, RetryAfter):
        seconds = _seconds(exc)
        return seconds if seconds <= SHORT_WAIT else None
    if isinstance(exc, BadRequest | Forbidden) or not isinstance(exc, NetworkError):
        return None
    if unsent_only and not surely_unsent(exc):
        return None
    return 0.0  # the delay comes from RETRY_DELAYS


async def with_retries(call: Callable[[], Awaitable[T]], *, unsent_only: bool = False) -> T:
    """Make a Bot API call, trying again after a passing fault (at most twice)."""
    for delay in RETRY_DELAYS:
        try:
            return await call()
        except TelegramError as exc:
            wait = retry_wait(exc, unsent_only=unsent_only)
            if wait is None:
                raise
            log.info("Telegram fault (%s), trying again", type(exc).__name__)
            await asyncio.sleep(max(wait, delay))
    return await call()


async def answer_button(query: CallbackQuery, text: str | None) -> bool:
    """Answer a pressed button (once: tried again only when surely not taken); True if done."""
    try:
        await with_retries(lambda: query.answer(text=text), unsent_only=True)
    except TelegramError as exc:  # too old, or lost: what follows is still worth sending
        log.info("could not answer a button (%s)", type(exc).__name__)
        return False
    return True


async def send_in_order(actions: Sequence[Callable[[], Awaitable[object]]]) -> Outcome:
    """Run queued sends in order, each with retries; stop at the first that still fails."""
    for action in actions:
        try:
            await with_retries(action)
        except Forbidden:
            return Outcome.BLOCKED
        except TelegramError as exc:
            log.warning("an answer could not be sent (%s)", type(exc).__name__)
            return Outcome.FAILED
        except Exception:  # making the answer failed (a chart, a file): a fault of ours
            log.exception("an answer could not be made")
            return Outcome.FAILED
    return Outcome.SENT
