"""The observation side: the bot's messages as they look now, pending updates, listeners."""

from __future__ import annotations

import copy

from bot.emulator.base import EmulatorBase
from bot.emulator.records import BotMessage, JsonDict, Listener, buttons


class Observation(EmulatorBase):
    """What the bot did so far, read without waiting."""

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat as they look now, oldest first."""
        with self._cond:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [m.snapshot() for m in chat.messages.values() if m.from_bot]

    def last_message(self, chat_id: int) -> BotMessage | None:
        """The bot's newest message in a chat that is not deleted, if any."""
        live = [m for m in self.chat_messages(chat_id) if not m.deleted]
        return live[-1] if live else None

    def mark(self, chat_id: int) -> int:
        """The highest message id in a chat so far (0 if none), for ``next_message``."""
        with self._cond:
            chat = self._chats.get(chat_id)
            return chat.last_message_id if chat else 0

    @property
    def active_polls(self) -> int:
        """How many getUpdates calls are waiting right now (long polling)."""
        with self._cond:
            return self._active_polls

    def pending_updates(self) -> list[JsonDict]:
        """Updates queued but not yet confirmed by the bot."""
        with self._cond:
            return copy.deepcopy(self._updates)

    @staticmethod
    def buttons(msg: BotMessage | None) -> list[tuple[str, str]]:
        """The (label, callback_data) of every callback button of ``msg``'s inline keyboard."""
        return buttons(msg)

    def add_listener(self, callback: Listener) -> None:
        """Call ``callback(kind, message)`` (server thread) on each bot new/edit/delete."""
        with self._cond:
            self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        """Stop calling a listener added with ``add_listener``."""
        with self._cond:
            self._listeners.remove(callback)
