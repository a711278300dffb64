"""Injected errors, dropped connections, blocked users; requests checked against the spec."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.emulator import BotApiEmulator
from tests.emulator.support import OTHER, USER, yes_no

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


async def test_a_slow_answer_times_out_and_still_takes_effect(
    emu: BotApiEmulator, bot: Bot
) -> None:
    emu.slow_next("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "late", read_timeout=0.1)
    await emu.wait_for(lambda: emu.chat_messages(USER) or None, timeout=2.0)
    assert [m.text for m in emu.chat_messages(USER)] == ["late"]


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
