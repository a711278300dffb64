"""Waiting kindly for a database that is busy or out of reach for a moment.

An update's database work (reading where the person is, storing what they sent) runs as
one transaction, and nothing is sent to them until it is committed. So when the database
is locked or unreachable the work can simply be tried again: after a short pause that
doubles each time, for at most ``DATABASE_WAIT_SECONDS``. A try waits a little for another
connection's lock (``ATTEMPT_LOCK_WAIT``), so a locked database fails a try within two
seconds and an unreachable one at once. The person is told "one moment" after the first
failed try, once only. If the time runs out, the caller tells them plainly that nothing
was saved: nothing is lost in silence.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.storage.availability import database_unavailable, retrying
from bot.ui.texts import t

log = logging.getLogger(__name__)

T = TypeVar("T")


async def patiently(
    work: Callable[[], Awaitable[T]], *, notice: Callable[[], Awaitable[object]], wait: float
) -> T | None:
    """The result of ``work``, tried again while the database is unavailable (None: gave up).

    ``notice`` ("one moment") runs once, after the first try that fails.
    """

    async def say_one_moment() -> None:
        try:
            await notice()
        except TelegramError:  # Telegram may be in trouble too: the answer still follows
            log.warning("could not say one moment")

    try:
        return await retrying(work, wait=wait, before_retry=say_one_moment)
    except Exception as error:
        if database_unavailable(error):
            log.warning("the database stayed unavailable: the update was not stored")
            return None
        raise


async def tell(update: Update, context: BotContext, key: str) -> None:
    """A catalogue text to the person in their private chat, in Telegram's language for them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != "private" or user is None:
        return
    await context.bot.send_message(chat.id, t(key, user.language_code))


async def not_saved(update: Update, context: BotContext) -> None:
    """Tell the person plainly that what they sent was not stored (the database stayed away)."""
    try:
        if update.callback_query is not None:  # never leave a button spinning
            await update.callback_query.answer()
        await tell(update, context, "fallback.not_saved")
    except TelegramError:
        log.warning("could not say that nothing was saved")
