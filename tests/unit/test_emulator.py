"""The local Bot API emulator, driven by a real python-telegram-bot ``Bot`` over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from bot.emulator import BotApiEmulator, BotMessage, FormattingError, render_formatted_text
from tests.support.botapi import BotApiSpec

USER = 1001
OTHER = 1002
GROUP = -5005


@pytest.fixture
def emu() -> Iterator[BotApiEmulator]:
    """A running emulator without a validator, with two known users."""
    with BotApiEmulator() as emulator:
        emulator.add_user(USER)
        emulator.add_user(OTHER, first_name="Kim", language_code="de", username="kim")
        yield emulator


@pytest.fixture(scope="module")
def spec() -> BotApiSpec:
    """The official API description."""
    return BotApiSpec.load()


@pytest.fixture
def checked(spec: BotApiSpec) -> Iterator[BotApiEmulator]:
    """A running emulator that validates every request against the description."""
    with BotApiEmulator(validator=spec.validate) as emulator:
        emulator.add_user(USER)
        yield emulator


async def make_bot(emulator: BotApiEmulator, token: str | None = None) -> Bot:
    """A PTB bot pointed at the emulator, initialized."""
    bot = Bot(
        token or emulator.token,
        base_url=emulator.base_url,
        base_file_url=emulator.base_file_url,
    )
    await bot.initialize()
    return bot


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A PTB bot talking to ``emu``."""
    the_bot = await make_bot(emu)
    yield the_bot
    await the_bot.shutdown()


@pytest.fixture
async def checked_bot(checked: BotApiEmulator) -> AsyncIterator[Bot]:
    """A PTB bot talking to the validating emulator."""
    the_bot = await make_bot(checked)
    yield the_bot
    await the_bot.shutdown()


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


# --------------------------------------------------------------------------- updates


async def test_user_text_becomes_update_with_command_entity(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(USER, "/start@kindbreak_bot hello")
    emu.send_text(OTHER, "just words")
    first, second = await bot.get_updates()
    assert first.message is not None and first.message.text == "/start@kindbreak_bot hello"
    (entity,) = first.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 20)
    assert first.message.chat.type == "private" and first.message.from_user is not None
    assert first.message.from_user.language_code == "en"
    assert second.message is not None and second.message.entities == ()
    assert second.message.from_user is not None and second.message.from_user.username == "kim"


async def test_confirmed_updates_are_dropped(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(USER, "a")
    emu.send_text(USER, "b")
    updates = await bot.get_updates(limit=1)
    assert len(updates) == 1
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [updates[0].update_id, updates[0].update_id + 1]
    assert await bot.get_updates(offset=again[-1].update_id + 1) == ()
    assert emu.pending_updates() == []


async def test_long_poll_returns_when_an_update_arrives(emu: BotApiEmulator, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await emu.wait_for(lambda: emu.active_polls == 1)
    started = time.monotonic()
    emu.send_text(USER, "wake up")
    (update,) = await asyncio.wait_for(poll, timeout=5)
    assert time.monotonic() - started < 2
    assert update.message is not None and update.message.text == "wake up"
    assert emu.active_polls == 0


async def test_short_poll_returns_at_once(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0) == ()
    assert time.monotonic() - started < 2


async def test_second_poller_terminates_the_first(emu: BotApiEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=20))
    await emu.wait_for(lambda: emu.active_polls == 1)
    other = await make_bot(emu)
    try:
        assert await other.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, timeout=5)
    finally:
        await other.shutdown()


async def test_allowed_updates_filter_new_updates(emu: BotApiEmulator, bot: Bot) -> None:
    sent = await bot.send_message(USER, "pick", reply_markup=yes_no())
    await bot.get_updates(allowed_updates=["message"])
    emu.press_button(USER, sent.message_id, "a:yes")
    emu.send_text(USER, "text")
    (update,) = await bot.get_updates()
    assert update.message is not None
    await bot.get_updates(offset=update.update_id + 1, allowed_updates=[])
    emu.press_button(USER, sent.message_id, "a:no")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None


async def test_delete_webhook_can_drop_pending_updates(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(USER, "old")
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("", 1)
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_stickers_photos_and_voice(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_sticker(USER)
    emu.send_photo(USER, caption="me", content=b"jpeg-bytes")
    sent_voice = emu.send_voice(USER, duration=4)
    sticker, photo, voice = await bot.get_updates()
    assert sticker.message is not None and sticker.message.sticker is not None
    assert sticker.message.sticker.emoji == "🙂"
    assert photo.message is not None and photo.message.caption == "me"
    assert len(photo.message.photo) == 2
    file = await bot.get_file(photo.message.photo[-1].file_id)
    assert await file.download_as_bytearray() == bytearray(b"jpeg-bytes")
    assert voice.message is not None and voice.message.voice is not None
    assert voice.message.voice.file_id == sent_voice["message"]["voice"]["file_id"]
    assert sent_voice["message"]["voice"]["duration"] == 4


async def test_group_chat_and_privacy_mode(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_text(USER, "chatter", chat_id=GROUP)
    emu.send_text(USER, "/help@another_bot", chat_id=GROUP)
    emu.send_text(USER, "/help", chat_id=GROUP)
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "/help"
    assert update.message.chat.type == "group" and update.message.chat.title == "Test group"
    sent = await bot.send_message(GROUP, "hello group")
    emu.send_text(OTHER, "replying", chat_id=GROUP, reply_to_message_id=sent.message_id)
    (reply,) = await bot.get_updates(offset=update.update_id + 1)
    assert reply.message is not None and reply.message.reply_to_message is not None


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


# --------------------------------------------------------------------------- faults


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_error_with_retry_after(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert str(caught.value) == "Flood control exceeded. Retry in 7 seconds"
    await bot.send_message(USER, "hi")
    assert [r.response_ok for r in emu.requests[-2:]] == [False, True]


async def test_injected_error_only_for_one_chat(emu: BotApiEmulator, bot: Bot) -> None:
    emu.fail_next(
        "sendMessage", chat_id=OTHER, error_code=400, description="Bad Request: nope", times=2
    )
    await bot.send_message(USER, "fine")
    for _ in range(2):
        with pytest.raises(BadRequest, match="Nope"):
            await bot.send_message(OTHER, "no")
    await bot.send_message(OTHER, "fine now")


async def test_blocked_user_is_forbidden(emu: BotApiEmulator, bot: Bot) -> None:
    update = emu.block_user(USER)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hello?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    await bot.send_message(OTHER, "others still fine")
    (member,) = await bot.get_updates()
    assert member.my_chat_member is not None
    emu.unblock_user(USER)
    await bot.send_message(USER, "welcome back")


async def test_dropped_connection_is_a_network_error(emu: BotApiEmulator, bot: Bot) -> None:
    emu.network_fail_next("sendMessage")
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(USER, "lost")
    assert not isinstance(caught.value, BadRequest)
    assert emu.chat_messages(USER) == []
    await bot.send_message(USER, "works again")
    emu.network_fail_next("sendMessage", after_processing=True)
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "sent but unanswered")
    assert [m.text for m in emu.chat_messages(USER)] == ["works again", "sent but unanswered"]
    assert emu.requests[-1].response_ok is False


# --------------------------------------------------------------------------- validation


async def test_violations_are_recorded_and_rejected(
    checked: BotApiEmulator, checked_bot: Bot
) -> None:
    await checked_bot.send_message(USER, "fine", reply_markup=yes_no())
    assert checked.violations == []
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="callback_data: 65 bytes, must be 1-64"):
        await checked_bot.send_message(USER, "hi", reply_markup=long_data)
    with pytest.raises(BadRequest, match="unknown field 'colour'"):
        await checked_bot.send_message(USER, "hi", api_kwargs={"colour": "red"})
    assert [method for method, _ in checked.violations] == ["sendMessage", "sendMessage"]
    assert "unknown field 'colour'" in checked.violations[1][1][0]
    assert len(checked.chat_messages(USER)) == 1


async def test_spec_types_decode_form_values(checked: BotApiEmulator, checked_bot: Bot) -> None:
    await checked_bot.send_message(USER, "123")
    await checked_bot.send_message(USER, "true", disable_notification=True)
    texts = [r.params["text"] for r in checked.requests if r.method == "sendMessage"]
    assert texts == ["123", "true"]
    assert checked.requests[-1].params["disable_notification"] is True
    assert checked.violations == []


# --------------------------------------------------------------------------- raw HTTP and waiting


async def test_form_values_decode_without_a_spec(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.send_message(USER, "true", disable_notification=True)
    params = emu.requests[-1].params
    assert params == {"chat_id": USER, "text": "true", "disable_notification": True}


async def test_json_and_form_bodies(emu: BotApiEmulator) -> None:
    url = f"{emu.base_url}{emu.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        as_json = await client.post(
            url,
            json={
                "chat_id": USER,
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "x"}]]},
            },
        )
        as_form = await client.post(url, data={"chat_id": str(USER), "text": "form"})
        missing = await client.post(
            f"{emu.base_url}{emu.token}/getMe",
            content=b"{",
            headers={"Content-Type": "application/json"},
        )
    assert as_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    assert as_form.json()["result"]["text"] == "form"
    assert missing.status_code == 400 and missing.json()["ok"] is False
    assert [m.text for m in emu.chat_messages(USER)] == ["json", "form"]


async def test_wait_helpers(emu: BotApiEmulator, bot: Bot) -> None:
    mark = emu.mark(USER)
    index = len(emu.requests)
    sending = asyncio.create_task(bot.send_message(USER, "later"))
    msg = await emu.next_message(USER, after=mark)
    assert msg.text == "later"
    request = await emu.wait_request(
        "sendMessage", lambda r: r.params["text"] == "later", after_index=index
    )
    assert request.response_ok
    await sending
    assert await emu.wait_for(lambda: len(emu.chat_messages(USER)) == 1) is True


async def test_wait_for_times_out_with_recent_requests(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.send_message(USER, "only this")
    with pytest.raises(TimeoutError) as caught:
        await emu.next_message(USER, timeout=0.05)
    text = str(caught.value)
    assert "a bot message in chat 1001 after #1" in text and "sendMessage(" in text


async def test_stop_releases_a_long_poll() -> None:
    emulator = BotApiEmulator()
    emulator.start()
    bot = await make_bot(emulator)
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await emulator.wait_for(lambda: emulator.active_polls == 1)
    started = time.monotonic()
    await asyncio.to_thread(emulator.stop)
    try:
        result = await asyncio.wait_for(poll, timeout=5)
    except NetworkError:
        pass  # the answer raced the closing socket: a dropped connection is fine too
    else:
        assert result == ()
    assert time.monotonic() - started < 3
    await bot.shutdown()


def test_render_formatted_text() -> None:
    text, entities = render_formatted_text(
        '<pre><code class="language-python">x = 1</code></pre> <a href="https://t.me">link</a>',
        "HTML",
    )
    assert text == "x = 1 link"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "text_link", "offset": 6, "length": 4, "url": "https://t.me"},
    ]
    text, entities = render_formatted_text(
        "*bold* _it_ __u__ ||s|| \\. [l](https://x.org)", "MarkdownV2"
    )
    assert text == "bold it u s . l"
    assert [e["type"] for e in entities] == ["bold", "italic", "underline", "spoiler", "text_link"]
    assert render_formatted_text("*b* _i_ `c`", "Markdown")[0] == "b i c"
    with pytest.raises(FormattingError, match="Can't find end of Bold entity at byte offset 0"):
        render_formatted_text("*open", "MarkdownV2")
    with pytest.raises(FormattingError, match='expected "</b>", found "</i>"'):
        render_formatted_text("<b>x</i>", "HTML")
    assert json.dumps(render_formatted_text("plain", None)) == '["plain", []]'
