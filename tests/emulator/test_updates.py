"""Users' messages becoming updates: polling, confirming, filtering, groups, media."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot
from telegram.error import Conflict

from bot.emulator import BotApiEmulator
from tests.emulator.support import GROUP, OTHER, USER, make_bot, yes_no


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


async def test_updates_after_a_raw_one_come_after_it(emu: BotApiEmulator, bot: Bot) -> None:
    emu.send_raw({"update_id": 1_900_000, "message": {"message_id": 1, "date": 0, "text": "x"}})
    (raw,) = await bot.get_updates()
    emu.send_text(USER, "next")  # confirmed offset is 1_900_001: this one must not fall below it
    (after,) = await bot.get_updates(offset=raw.update_id + 1)
    assert after.update_id > raw.update_id
    assert after.message is not None and after.message.text == "next"
