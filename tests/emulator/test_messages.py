"""Sending, editing and deleting messages, as a real PTB ``Bot`` sees them over HTTP."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, EndPointNotFound, InvalidToken

from bot.emulator import BotApiEmulator, BotMessage
from tests.emulator.support import OTHER, USER, yes_no

# --------------------------------------------------------------------------- basics


async def test_get_me_and_urls(emu: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "kindbreak_bot", True)
    assert emu.base_url == f"http://127.0.0.1:{emu.port}/bot"
    assert emu.base_file_url == f"http://127.0.0.1:{emu.port}/file/bot"
    assert emu.api_url == f"http://127.0.0.1:{emu.port}"
    assert [r.method for r in emu.requests] == ["getMe", "getMe"]
    assert emu.requests[0].response_ok and emu.requests[0].at.tzinfo is not None


async def test_other_token_is_unauthorized(emu: BotApiEmulator) -> None:
    stranger = Bot("999:wrong", base_url=emu.base_url)
    with pytest.raises(InvalidToken, match="rejected by the server"):
        await stranger.initialize()
    await stranger.shutdown()
    assert emu.requests == []


async def test_unknown_method_is_not_found(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    assert emu.requests[-1].method == "sendTelepathy"
    assert emu.requests[-1].error_code == 404


async def test_send_message_with_inline_keyboard(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Ready?", reply_markup=yes_no())
    assert sent.chat.id == USER and sent.from_user is not None and sent.from_user.is_bot
    assert sent.reply_markup == yes_no()
    (msg,) = emu.chat_messages(USER)
    assert (msg.message_id, msg.text, msg.edited, msg.deleted) == (
        sent.message_id,
        "Ready?",
        False,
        False,
    )
    assert msg.buttons() == emu.buttons(msg) == [("Yes", "a:yes"), ("No", "a:no")]
    request = emu.requests[-1]
    assert request.method == "sendMessage"
    assert request.params["chat_id"] == USER
    assert isinstance(request.params["reply_markup"], dict)
    assert emu.last_message(USER) == msg


async def test_message_ids_increase_per_chat_across_both_sides(
    emu: BotApiEmulator, bot: Bot
) -> None:
    first = await bot.send_message(USER, "one")
    emu.send_text(USER, "hi")
    second = await bot.send_message(USER, "two")
    other = await bot.send_message(OTHER, "elsewhere")
    assert (first.message_id, second.message_id, other.message_id) == (1, 3, 1)
    assert emu.mark(USER) == 3
    assert [m.text for m in emu.chat_messages(USER)] == ["one", "two"]


async def test_html_is_rendered_like_telegram(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(
        USER, "  <b>Hi</b> 🌿 <i>there</i> &amp; more  ", parse_mode="HTML"
    )
    assert sent.text == "Hi 🌿 there & more"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("italic", 6, 5),
    ]
    msg = emu.last_message(USER)
    assert msg is not None and msg.raw_text is not None and msg.raw_text.startswith("  <b>")
    assert msg.parse_mode == "HTML"


async def test_unparsable_markup_is_rejected(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r'(?i)parse entities: unsupported start tag "blink"'):
        await bot.send_message(USER, "<blink>hi</blink>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't find end tag"):
        await bot.send_message(USER, "<b>hi", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(USER, "Done.", parse_mode="MarkdownV2")
    assert emu.chat_messages(USER) == []


async def test_text_limits(bot: Bot) -> None:
    await bot.send_message(USER, "x" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, "   ")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "hi", reply_markup=too_long)


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(777, "hello?")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_chat_action(777, "typing")


async def test_reply_parameters(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(USER, "question")
    reply = await bot.send_message(USER, "answer", reply_parameters=ReplyParameters(1))
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "question"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER, "answer", reply_parameters=ReplyParameters(99))


# --------------------------------------------------------------------------- edits and deletes


async def test_edit_text_and_markup(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Ready?", reply_markup=yes_no())
    edited = await bot.edit_message_text("Ready? Yes", chat_id=USER, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Ready? Yes" and edited.reply_markup is None and edited.edit_date
    msg = emu.last_message(USER)
    assert msg is not None and msg.edited and msg.reply_markup is None and msg.text == "Ready? Yes"
    await bot.edit_message_reply_markup(
        chat_id=USER, message_id=sent.message_id, reply_markup=yes_no()
    )
    assert emu.buttons(emu.last_message(USER)) == [("Yes", "a:yes"), ("No", "a:no")]


async def test_edit_errors(bot: Bot) -> None:
    sent = await bot.send_message(USER, "Same", reply_markup=yes_no())
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Same", chat_id=USER, message_id=sent.message_id, reply_markup=yes_no()
        )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=USER, message_id=sent.message_id, reply_markup=yes_no()
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("New", chat_id=USER, message_id=999)
    await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("New", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


async def test_listener_sees_new_edit_and_delete(emu: BotApiEmulator, bot: Bot) -> None:
    seen: list[tuple[str, int, str | None, bool]] = []

    def listen(kind: str, msg: BotMessage) -> None:
        seen.append((kind, msg.message_id, msg.text, msg.deleted))

    emu.add_listener(listen)
    sent = await bot.send_message(USER, "v1")
    await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
    await bot.delete_message(USER, sent.message_id)
    assert seen == [("new", 1, "v1", False), ("edit", 1, "v2", False), ("delete", 1, "v2", True)]
    (msg,) = emu.chat_messages(USER)
    assert msg.deleted and emu.last_message(USER) is None


async def test_a_notice_answering_a_press_is_told_to_listeners(
    emu: BotApiEmulator, bot: Bot
) -> None:
    seen: list[tuple[str, int, str | None]] = []
    emu.add_listener(lambda kind, msg: seen.append((kind, msg.chat_id, msg.text)))
    sent = await bot.send_message(
        USER,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x")]]),
    )
    query = emu.press_button(USER, sent.message_id, "x")
    await bot.answer_callback_query(query, text="Noted")
    assert ("answer", USER, "Noted") in seen
