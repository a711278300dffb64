"""The bot's Bot API client: keyboards written out as python-telegram-bot writes them, and
the message returned carrying the keyboard that was sent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.delivery.lean_bot import LeanBot, keyboard_dict
from bot.emulator import BotApiEmulator
from bot.ui import keyboards
from bot.ui.callbacks import Prefix

USER = 3003


@pytest.fixture
def emu() -> Iterator[BotApiEmulator]:
    with BotApiEmulator() as emulator:
        emulator.add_user(USER)
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[LeanBot]:
    lean = LeanBot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
    await lean.initialize()
    yield lean
    await lean.shutdown()


MIXED = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Plain", callback_data="b:next:1:")],
        [InlineKeyboardButton("A link", url="https://example.org/help")],
        [InlineKeyboardButton("Copy", copy_text=CopyTextButton("116 123"))],
        [InlineKeyboardButton("App", web_app=WebAppInfo("https://example.org/app"))],
    ]
)


@pytest.mark.parametrize(
    "markup",
    [
        keyboards.checkin_prompt(12345, "en"),
        keyboards.mood_scale(Prefix.BREAK, "before", 7, "de", stop=True),
        keyboards.private_chat("kindbreak_bot", "en"),
        MIXED,
    ],
    ids=["check-in", "mood scale", "link", "other kinds of button"],
)
def test_keyboards_are_written_out_as_python_telegram_bot_writes_them(
    markup: InlineKeyboardMarkup,
) -> None:
    assert keyboard_dict(markup) == markup.to_dict()


async def test_a_sent_message_keeps_the_keyboard_it_was_sent_with(
    emu: BotApiEmulator, bot: LeanBot
) -> None:
    markup = keyboards.checkin_prompt(12345, "en")
    sent = await bot.send_message(USER, "How are you?", reply_markup=markup)
    assert sent.reply_markup is markup
    (shown,) = emu.chat_messages(USER)
    assert shown.reply_markup == markup.to_dict()  # what the person sees
    edited = await bot.edit_message_text("And now?", chat_id=USER, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.reply_markup is None  # edited without one
    assert emu.chat_messages(USER)[0].reply_markup is None
    mixed = await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=MIXED)
    assert not isinstance(mixed, bool) and mixed.reply_markup is MIXED
    assert emu.chat_messages(USER)[0].reply_markup == MIXED.to_dict()
    plain = await bot.send_message(USER, "No buttons")
    assert plain.reply_markup is None and plain.text == "No buttons"
