"""Waiting kindly for a database that is busy or out of reach for a moment.

An update's database work (reading where the person is, storing what they sent) runs as
one transaction, and nothing is sent to them until it is committed. So when the database
is locked or unreachable the work can simply be tried again: after a short pause that
doubles each time, for at most ``DATABASE_WAIT_SECONDS``. A try waits a little for another
connection's lock (``ATTEMPT_LOCK_WAIT``), so a locked database fails a try within two
seconds and an unreachable one at once. The person is told "one moment" after the first
failed try, once only. If the time runs out, the caller tells them plainly that nothing
was saved: nothing is lost in silence. Words of danger never wait: after a failed try
they get the help at once, without the database (as before consent), and nothing more
is tried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.core.crisis_screen import screen_text
from bot.flow.exchange import Exchange
from bot.flow.spec import UnstoredDangerFn
from bot.storage.availability import database_unavailable, retrying
from bot.storage.models import User
from bot.ui.texts import t

log = logging.getLogger(__name__)

T = TypeVar("T")


class AnsweredWithoutDatabase(Exception):
    """The update was answered while the database was away (words of danger): try no more."""


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


def _words(update: Update) -> str | None:
    """The words of a message or edit (of a command: what follows it), to screen."""
    message = update.message or update.edited_message
    words = (message.text or message.caption) if message is not None else None
    if words and words.startswith("/"):
        words = words.partition(" ")[2].strip()
    return words or None


async def one_moment_or_help(
    update: Update, context: BotContext, on_danger: UnstoredDangerFn
) -> None:
    """After a failed try: "one moment", or for words of danger the help at once (raising
    ``AnsweredWithoutDatabase``: their update is not stored, as before consent)."""
    words = _words(update)
    screen = await asyncio.to_thread(screen_text, words) if words else None
    if not screen:
        await tell(update, context, "fallback.one_moment")
        return
    tg_user = update.effective_user
    assert tg_user is not None
    now = context.services.clock.now()
    person = User(
        telegram_id=tg_user.id,
        first_name=tg_user.first_name,
        language_code=tg_user.language_code,
        created_at=now,
        last_seen_at=now,
    )
    # a session never used: the database is away, and the help needs nothing from it
    idle = AsyncSession(context.services.engine)
    try:
        exchange = Exchange(update=update, context=context, session=idle, user=person, now=now)
        await on_danger(exchange, screen)
        await exchange.deliver()
    finally:
        await idle.close()
    raise AnsweredWithoutDatabase
