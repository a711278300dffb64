"""Shared pieces of the emulator tests: the users, a PTB bot, a keyboard."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import BotApiEmulator

USER = 1001
OTHER = 1002
GROUP = -5005


async def make_bot(emulator: BotApiEmulator, token: str | None = None) -> Bot:
    """A PTB bot pointed at the emulator, initialized."""
    bot = Bot(
        token or emulator.token,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
    )
    await bot.initialize()
    return bot


def yes_no() -> InlineKeyboardMarkup:
    """A two-button inline keyboard."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="a:yes"),
                InlineKeyboardButton("No", callback_data="a:no"),
            ]
        ]
    )
