"""Telegram's flood control, as the emulator plays it, and requests recorded without bodies."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.emulator import BotApiEmulator
from tests.emulator.support import OTHER, USER, make_bot


class HandClock:
    """Seconds moved by hand."""

    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


async def test_sends_beyond_the_limit_in_one_second_are_refused(
    emu: BotApiEmulator, bot: Bot
) -> None:
    clock = HandClock()
    emu.limit_sends(3, clock=clock)
    for number, at in enumerate((100.0, 100.25, 100.5)):
        clock.seconds = at
        await bot.send_message(USER if number == 1 else OTHER, "fine")
    clock.seconds = 100.75
    await bot.send_chat_action(USER, "typing")  # not a message: not counted
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "one too many")
    assert caught.value.retry_after == 1
    refused = emu.requests[-1]
    assert (refused.error_code, refused.description) == (429, "Too Many Requests: retry after 1")
    assert [m.text for m in emu.chat_messages(USER)] == ["fine"]
    clock.seconds = 101.0  # the first send is now a second old: room for one
    await bot.send_message(USER, "room again")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "and none more")
    emu.limit_sends(None)
    await bot.send_message(USER, "no limit")
    assert [m.text for m in emu.chat_messages(USER)] == ["fine", "room again", "no limit"]


async def test_paid_broadcasts_count_in_a_window_of_their_own(
    emu: BotApiEmulator, bot: Bot
) -> None:
    clock = HandClock()
    emu.limit_sends(2, clock=clock)
    await bot.send_message(USER, "one")
    await bot.send_message(OTHER, "two")
    for number in range(5):  # paid: beyond the free limit, within the same second
        await bot.send_message(USER, f"paid {number}", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "free again, one too many")
    assert emu.requests[-2].params.get("allow_paid_broadcast") is True
    assert [m.text for m in emu.chat_messages(USER)] == ["one"] + [f"paid {n}" for n in range(5)]


async def test_requests_can_be_recorded_without_their_bodies() -> None:
    with BotApiEmulator(keep_request_params=False) as emulator:
        emulator.add_user(USER)
        bot = await make_bot(emulator)
        try:
            await bot.send_message(USER, "hello there")
            await bot.get_me()
        finally:
            await bot.shutdown()
        send, me = emulator.requests[-2:]
        assert (send.method, send.params, send.response_ok) == (
            "sendMessage",
            {"chat_id": USER},
            True,
        )
        assert (me.method, me.params) == ("getMe", {})
        assert [m.text for m in emulator.chat_messages(USER)] == ["hello there"]
