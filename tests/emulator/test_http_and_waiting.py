"""Raw HTTP bodies and the wait helpers, including stop releasing a long poll."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.emulator import BotApiEmulator
from tests.emulator.support import USER, make_bot


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
