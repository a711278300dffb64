"""Double taps and old buttons: a step's button acts only at the step that showed it."""

from __future__ import annotations

from sqlmodel import select

from bot.emulator import BotMessage
from bot.storage.models import Break, BreakStatus, Conversation
from tests.support.harness import Harness, onboard

USER = 7007


def _data(h: Harness, message: BotMessage, label: str) -> str:
    return next(data for text, data in h.emulator.buttons(message) if text.startswith(label))


async def _tap_again(h: Harness, message: BotMessage, label: str) -> str | None:
    """Press a button of an earlier message once more; the notice it was answered with."""
    mark = h.emulator.mark(USER)
    query = h.emulator.press_button(USER, message.message_id, _data(h, message, label))
    answer = await h.emulator.wait_callback_answered(query)
    assert [m for m in h.emulator.chat_messages(USER) if m.message_id > mark] == []
    return answer.get("text")


async def _state(h: Harness) -> str | None:
    async with h.session() as session:
        conversation = (await session.exec(select(Conversation))).first()
    return conversation.state if conversation else None


async def _start(h: Harness) -> BotMessage:
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    _intro, ask = await h.replies(USER, 2, after=mark)
    return ask


async def test_a_second_next_at_step_one_does_not_skip_step_two(harness: Harness) -> None:
    h = harness
    await _start(h)
    (ask_difficulty,) = await h.tap(USER, "3")
    step1 = await h.tap_in_place(USER, "Skip")
    step2 = await h.tap_in_place(USER, "Next")
    assert "not alone" in step2.text
    # step 1's Next, pressed again before the message changed (a double tap)
    notice = await _tap_again(h, step1, "Next")
    assert notice is not None and "earlier step" in notice
    assert await _state(h) == "common_humanity"
    now = next(m for m in h.emulator.chat_messages(USER) if m.message_id == step1.message_id)
    assert now.text == step2.text  # the late press changed nothing on screen


async def test_a_second_skip_skips_nothing_more(harness: Harness) -> None:
    h = harness
    ask_before = await _start(h)
    ask_difficulty = await h.tap_in_place(USER, "Skip")
    assert "weighing on you" in ask_difficulty.text
    await _tap_again(h, ask_before, "Skip")
    assert await _state(h) == "difficulty"  # the difficulty question still stands
    now = next(m for m in h.emulator.chat_messages(USER) if m.message_id == ask_before.message_id)
    assert now.text == ask_difficulty.text


async def test_an_old_skip_cannot_end_the_break_without_the_last_rating(harness: Harness) -> None:
    h = harness
    await _start(h)
    (ask_difficulty,) = await h.tap(USER, "3")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "a long week")  # typed, so its Skip is still on screen
    await h.replies(USER, 2, after=mark)
    await h.tap_in_place(USER, "Next")
    await h.tap_in_place(USER, "Next")
    (ask_need,) = await h.tap(USER, "Next")
    ask_after = await h.tap_in_place(USER, "Skip")
    assert "how are you feeling" in ask_after.text.lower()
    await _tap_again(h, ask_difficulty, "Skip")
    await _tap_again(h, ask_need, "Skip")  # the need question's Skip, pressed twice
    assert await _state(h) == "mood_after"
    old = next(
        m for m in h.emulator.chat_messages(USER) if m.message_id == ask_difficulty.message_id
    )
    assert h.emulator.buttons(old) == []  # the answered step's buttons are gone now
    async with h.session() as session:
        (break_row,) = (await session.exec(select(Break))).all()
    assert break_row.status == BreakStatus.IN_PROGRESS and break_row.mood_before == 3
