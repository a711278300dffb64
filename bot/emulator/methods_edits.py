"""Bot API methods that edit bot messages: their text, caption and inline keyboard."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.checks import check_markup, int_param, render_text
from bot.emulator.errors import NOT_MODIFIED, ApiError
from bot.emulator.records import JsonDict
from bot.emulator.state import Chat, Event, StoredMessage, epoch


class EditMethods(EmulatorBase):
    """editMessageText, editMessageCaption and editMessageReplyMarkup."""

    def _api_editMessageText(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            _, stored = self._editable(params)
            if "text" not in stored.data:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            text, entities = render_text(
                params.get("text"), params.get("parse_mode"), params.get("entities")
            )
            markup = check_markup(params.get("reply_markup"), inline_only=True)
            content = {"text": text, "entities": entities}
            return self._apply_edit(stored, content, markup, events, params, "text")

    def _api_editMessageCaption(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            _, stored = self._editable(params)
            if "photo" not in stored.data and "document" not in stored.data:
                raise ApiError(400, "Bad Request: there is no caption in the message to edit")
            text, entities = render_text(
                params.get("caption"),
                params.get("parse_mode"),
                params.get("caption_entities"),
                caption=True,
            )
            markup = check_markup(params.get("reply_markup"), inline_only=True)
            content: JsonDict = {"caption": text or None, "caption_entities": entities}
            return self._apply_edit(stored, content, markup, events, params, "caption")

    def _api_editMessageReplyMarkup(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            _, stored = self._editable(params)
            markup = check_markup(params.get("reply_markup"), inline_only=True)
            return self._apply_edit(stored, {}, markup, events)

    def _editable(self, params: Mapping[str, Any]) -> tuple[Chat, StoredMessage]:
        """The bot message an edit names, or Telegram's error."""
        if params.get("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = int_param(params, "message_id")
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not stored.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, stored

    def _apply_edit(
        self,
        stored: StoredMessage,
        content: JsonDict,
        markup: JsonDict | None,
        events: list[Event],
        params: Mapping[str, Any] | None = None,
        source: str = "",
    ) -> JsonDict:
        """Change a bot message unless nothing changes; ``source`` names the raw text."""
        current = {k: stored.data.get(k) or None for k in content}
        wanted = {k: v or None for k, v in content.items()}
        if current == wanted and stored.data.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        if params is not None:
            raw, parse_mode = params.get(source), params.get("parse_mode")
            stored.raw_text = raw if isinstance(raw, str) else None
            stored.parse_mode = parse_mode if isinstance(parse_mode, str) else None
        for key, value in content.items():
            if value is None or value == []:
                stored.data.pop(key, None)
            else:
                stored.data[key] = value
        if markup is None:
            stored.data.pop("reply_markup", None)
            if stored.markup is not None and "inline_keyboard" in stored.markup:
                stored.markup = None
        else:
            stored.data["reply_markup"] = markup
            stored.markup = markup
        stored.data["edit_date"] = epoch()
        stored.edited = True
        self._changed()
        events.append(("edit", stored.snapshot()))
        return copy.deepcopy(stored.data)
