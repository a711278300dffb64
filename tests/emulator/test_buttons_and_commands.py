"""Button presses and callback answers, photo uploads, commands and the menu button."""

from __future__ import annotations

import os

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
)
from telegram.error import BadRequest

from bot.emulator import BotApiEmulator
from tests.emulator.support import USER, yes_no

# --------------------------------------------------------------------------- callback queries


async def test_press_and_answer_callback(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Ready?", reply_markup=yes_no())
    query_id = emu.press(USER, "No")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "a:no"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, text="Noted")
    assert await emu.wait_callback_answered(query_id) == {
        "callback_query_id": query_id,
        "text": "Noted",
    }
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("123")


async def test_press_finds_labels(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.send_message(USER, "old", reply_markup=yes_no())
    newer = await bot.send_message(
        USER,
        "new",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Yes please", callback_data="b:yes")]]
        ),
    )
    emu.press(USER, "Yes")  # exact match wins, even on an older message
    emu.press(USER, "please")  # otherwise a label that contains the text
    forged = emu.press_button(USER, newer.message_id, "forged:data")
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == [
        "a:yes",
        "b:yes",
        "forged:data",
    ]
    assert updates[-1].callback_query is not None and updates[-1].callback_query.id == forged
    with pytest.raises(
        LookupError, match="available: #2: \\['Yes please'\\]; #1: \\['Yes', 'No'\\]"
    ):
        emu.press(USER, "Maybe")
    with pytest.raises(LookupError):
        emu.press_button(USER, 999, "x")


# --------------------------------------------------------------------------- photos and commands


async def test_send_photo_uploads_bytes(emu: BotApiEmulator, bot: Bot) -> None:
    content = os.urandom(3000) + b"\r\n--boundary\r\n\r\n" + os.urandom(100)
    sent = await bot.send_photo(
        USER, content, caption="<b>Week</b>", parse_mode="HTML", reply_markup=yes_no()
    )
    assert sent.caption == "Week" and sent.photo and sent.reply_markup == yes_no()
    msg = emu.last_message(USER)
    assert msg is not None and msg.photo == content and msg.text == "Week"
    file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_photo(USER, sent.photo[-1].file_id)
    assert emu.chat_messages(USER)[-1].photo == content and again.caption is None
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(USER, "not-a-file-id")
    edited = await bot.edit_message_caption(
        chat_id=USER, message_id=sent.message_id, caption="Month"
    )
    assert not isinstance(edited, bool) and edited.caption == "Month"


async def test_commands_and_menu_button(emu: BotApiEmulator, bot: Bot) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("break", "Take a break")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands([BotCommand("start", "Anfangen")], language_code="de")
    scope = BotCommandScopeChat(USER)
    assert await bot.set_my_commands([BotCommand("only", "Just here")], scope=scope)
    assert await bot.get_my_commands() == tuple(commands)
    assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["start"]
    assert emu.commands({"type": "chat", "chat_id": USER}) == [
        {"command": "only", "description": "Just here"}
    ]
    assert await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])
    assert await bot.set_chat_menu_button(USER, MenuButtonCommands())
    assert emu.menu_button(USER) == {"type": "commands"}
    assert await bot.send_chat_action(USER, "typing")
    assert await bot.close() and await bot.log_out()


async def test_send_document_uploads_a_named_file(emu: BotApiEmulator, bot: Bot) -> None:
    content = b"PK\x03\x04" + os.urandom(2000) + b"\r\n--boundary\r\n"
    sent = await bot.send_document(
        USER, content, filename="kindbreak-export.zip", caption="Your data", reply_markup=yes_no()
    )
    assert sent.document is not None and sent.caption == "Your data"
    assert (sent.document.file_name, sent.document.mime_type) == (
        "kindbreak-export.zip",
        "application/zip",
    )
    assert sent.document.file_size == len(content)
    msg = emu.last_message(USER)
    assert msg is not None and msg.document == content and msg.file_name == "kindbreak-export.zip"
    assert msg.text == "Your data" and msg.photo is None
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    again = await bot.send_document(USER, sent.document.file_id)
    assert emu.chat_messages(USER)[-1].document == content and again.caption is None
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(USER, "not-a-file-id")
    with pytest.raises(BadRequest, match="File must be non-empty"):
        await bot.send_document(USER, b"", filename="empty.txt")
    edited = await bot.edit_message_caption(
        chat_id=USER, message_id=sent.message_id, caption="Again"
    )
    assert not isinstance(edited, bool) and edited.caption == "Again"


async def test_send_document_is_checked_against_the_description(
    checked: BotApiEmulator, checked_bot: Bot
) -> None:
    await checked_bot.send_document(USER, b"a,b\r\n1,2\r\n", filename="ratings.csv", caption="x")
    assert checked.violations == []
    assert checked.last_message(USER) is not None
    with pytest.raises(BadRequest):
        await checked_bot.send_document(USER, b"data", caption="x" * 1025)
    assert checked.violations and checked.violations[-1][0] == "sendDocument"
