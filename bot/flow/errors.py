"""What the person hears when handling their update failed, and what the log keeps."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import BotContext
from bot.core.log_ids import log_id
from bot.flow.faults import answer_button, with_retries
from bot.storage.availability import database_unavailable
from bot.ui.texts import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the person kindly; what was stored stays stored."""
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=context.error)
        return
    person = update.effective_user.id if update.effective_user else None
    who = "?" if person is None else log_id(person, context.services.settings.log_secret)
    if isinstance(context.error, Forbidden):  # they blocked the bot: nothing more to send
        log.info("person %s cannot be written to (update %d)", who, update.update_id)
        return
    log.error(
        "error while handling update %d (person %s)", update.update_id, who, exc_info=context.error
    )
    language = update.effective_user.language_code if update.effective_user else None
    if update.callback_query is not None:  # never leave a button spinning
        await answer_button(update.callback_query, None)
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    try:
        # the database away for longer than an update waits: say plainly it was not saved
        unsaved = context.error is not None and database_unavailable(context.error)
        text = t("fallback.not_saved" if unsaved else "fallback.error", language)
        await with_retries(lambda: context.bot.send_message(chat.id, text))
    except TelegramError:  # the failure may be the connection itself
        log.warning("could not tell the user about the error")
