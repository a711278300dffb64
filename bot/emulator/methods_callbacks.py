"""The Bot API method answering button presses: answerCallbackQuery.

A notice (``text``) is told to listeners as an ``"answer"`` event: a message that is not
in the chat (``message_id`` 0) holding the notice, as a Telegram app shows it briefly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.checks import MAX_CALLBACK_ANSWER_LENGTH
from bot.emulator.errors import QUERY_INVALID, ApiError
from bot.emulator.records import BotMessage
from bot.emulator.state import Event


class CallbackMethods(EmulatorBase):
    """answerCallbackQuery: each query pressed by a user is answered at most once."""

    def _api_answerCallbackQuery(self, params: Mapping[str, Any], events: list[Event]) -> object:
        query_id = params.get("callback_query_id")
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        with self._cond:
            if not isinstance(query_id, str) or self._callbacks.get(query_id, True):
                raise ApiError(400, QUERY_INVALID)
            self._callbacks[query_id] = True
            self.callback_answers[query_id] = dict(params)
            chat_id = self._callback_chats.pop(query_id, 0)
            self._changed()
        if isinstance(text, str) and text:
            events.append(("answer", BotMessage(chat_id, 0, text, None, None, False, False)))
        return True
