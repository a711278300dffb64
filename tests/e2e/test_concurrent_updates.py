"""One person's slow update holds up no one else; each person's updates keep their order."""

from __future__ import annotations

import threading

from bot.emulator import BotMessage
from tests.support.harness import Harness, onboard

SLOW = 6201
OTHER = 6202


async def test_a_slow_update_holds_up_only_its_own_person(harness: Harness) -> None:
    h = harness
    await onboard(h, SLOW)
    await onboard(h, OTHER)
    release = threading.Event()
    held: list[int] = []

    def slow_answers(kind: str, message: BotMessage) -> None:
        # runs on the emulator's server thread before it answers the bot's request
        if kind == "new" and message.chat_id == SLOW and not release.is_set():
            held.append(message.message_id)
            release.wait(10)

    h.emulator.add_listener(slow_answers)
    try:
        mark_slow = h.emulator.mark(SLOW)
        h.emulator.send_text(SLOW, "/break")  # Telegram is slow to take this one's answer
        h.emulator.send_text(SLOW, "/help")  # and it must wait for the first
        await h.emulator.wait_for(lambda: held, timeout=5)

        mark = h.emulator.mark(OTHER)
        h.emulator.send_text(OTHER, "/break")
        intro, ask = await h.replies(OTHER, 2, after=mark)
        assert "0 😞" in ask.text
        assert not release.is_set() and len(held) == 1  # the slow one is still held
    finally:
        release.set()
        h.emulator.remove_listener(slow_answers)

    intro, ask, help_text = await h.replies(SLOW, 3, after=mark_slow)
    assert "0 😞" in ask.text  # /break answered in full before /help
    assert "/break" in help_text.text
