"""Acting as people without counting replies: wait until the bot has handled everything.

Telegram hands updates over in order, so once a press from a separate, settled person
is answered, every update sent before it has been taken; once the bot's queue is empty
as well, every one of them has been handled (different people's updates run at once). Every
keyboard a person was shown is kept (``shown``), so a test can replay its buttons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.support.harness import Harness, onboard

BARRIER_USER = 990_000_001


@dataclass
class Driver:
    """Sends as people and settles after each action."""

    h: Harness
    shown: dict[int, list[str]] = field(default_factory=dict)
    _ready: bool = False

    async def settle(self) -> None:
        """Return once every update sent so far has been handled."""
        if not self._ready:
            self._ready = True
            await onboard(self.h, BARRIER_USER, first_name="Barrier")
        query = self.h.emulator.press_detached(BARRIER_USER, "settle")
        await self.h.emulator.wait_callback_answered(query, timeout=10.0)
        await self.h.settled(timeout=30.0)

    def collect(self, user_id: int) -> None:
        """Remember the callback data of every keyboard the person sees now."""
        seen = self.shown.setdefault(user_id, [])
        for message in self.h.emulator.chat_messages(user_id):
            for _label, data in message.buttons():
                if data not in seen:
                    seen.append(data)

    async def say(self, user_id: int, text: str) -> None:
        """The person sends ``text``."""
        self.h.emulator.send_text(user_id, text)
        await self.settle()
        self.collect(user_id)

    async def tap(self, user_id: int, label: str) -> None:
        """The person taps the newest button labelled ``label``."""
        query = self.h.emulator.press(user_id, label)
        await self.h.emulator.wait_callback_answered(query)
        await self.settle()
        self.collect(user_id)

    async def run(self, user_id: int, script: Iterable[str]) -> None:
        """Run ``script``: ``"> label"`` taps a button, anything else is sent as text."""
        for step in script:
            if step.startswith("> "):
                await self.tap(user_id, step[2:])
            else:
                await self.say(user_id, step)

    def texts_seen(self, user_id: int, *, after: int = 0) -> list[str]:
        """Every text the bot showed the person after message ``after``, and every notice."""
        texts = [
            m.text or "" for m in self.h.emulator.chat_messages(user_id) if m.message_id > after
        ]
        return texts
