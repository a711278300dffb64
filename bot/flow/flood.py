"""Holding back a person who sends a flood of updates, so everyone else is answered."""

from __future__ import annotations

import time

from telegram import Update

from bot.context import BotContext
from bot.core.crisis_screen import screen_text
from bot.core.flood import FloodGate, Verdict
from bot.ui.texts import t


class FloodGuard:
    """The part of the router that slows down one person's flood of updates."""

    flood: FloodGate | None

    async def _held_back(self, update: Update, context: BotContext) -> bool:
        """True if this update is over the person's limit and was let pass (told once)."""
        user = update.effective_user
        if self.flood is None or user is None:
            return False
        verdict = self.flood.check(user.id, time.monotonic())
        if verdict == Verdict.HANDLE or _words_of_danger(update):
            return False  # words of danger are always answered, flood or not
        if update.callback_query is not None:
            await update.callback_query.answer()  # never leave a button spinning
        chat = update.effective_chat
        if verdict == Verdict.WARN and chat is not None and chat.type == "private":
            await context.bot.send_message(chat.id, t("fallback.flood", user.language_code))
        return True


def _words_of_danger(update: Update) -> bool:
    """Whether the text of this update (if any) needs the crisis answer (in the loop: a
    worker thread's hop costs more than screening a short message)."""
    message = update.message or update.edited_message
    words = (message.text or message.caption) if message is not None else None
    if not words:
        return False
    return bool(screen_text(words))
