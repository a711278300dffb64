"""Bot API methods that send and delete messages: sendMessage, sendPhoto, deleteMessage."""

from __future__ import annotations

import copy
import struct
from collections.abc import Mapping
from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.checks import CHAT_ACTIONS, check_markup, int_param, render_text
from bot.emulator.errors import ApiError
from bot.emulator.records import JsonDict
from bot.emulator.state import Chat, Event, StoredMessage, epoch


def _png_size(content: bytes) -> tuple[int, int]:
    """The width and height of a PNG image (800x600 for anything else)."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 800, 600


class MessageMethods(EmulatorBase):
    """sendMessage, sendPhoto, deleteMessage and sendChatAction."""

    def _api_sendMessage(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            chat = self._chat(params)
            text, entities = render_text(
                params.get("text"), params.get("parse_mode"), params.get("entities")
            )
            markup = check_markup(params.get("reply_markup"))
            content: JsonDict = {"text": text}
            if entities:
                content["entities"] = entities
            if (replied := self._reply_to(chat, params)) is not None:
                content["reply_to_message"] = replied
            stored = self._store_bot_message(chat, content, markup, params, source="text")
            events.append(("new", stored.snapshot()))
            return copy.deepcopy(stored.data)

    def _api_sendPhoto(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            chat = self._chat(params)
            content_bytes = self._photo_bytes(params.get("photo"))
            content: JsonDict = {
                "photo": self._photo_sizes(content_bytes, _png_size(content_bytes))
            }
            caption = params.get("caption")
            if caption is not None:
                text, entities = render_text(
                    caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
                )
                if text:
                    content["caption"] = text
                if entities:
                    content["caption_entities"] = entities
            if params.get("has_spoiler") is True:
                content["has_media_spoiler"] = True
            if (replied := self._reply_to(chat, params)) is not None:
                content["reply_to_message"] = replied
            markup = check_markup(params.get("reply_markup"))
            stored = self._store_bot_message(
                chat, content, markup, params, source="caption", photo=content_bytes
            )
            events.append(("new", stored.snapshot()))
            return copy.deepcopy(stored.data)

    def _api_deleteMessage(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            chat = self._chat(params, sending=False)
            stored = chat.messages.get(int_param(params, "message_id"))
            if stored is None or stored.deleted:
                raise ApiError(400, "Bad Request: message to delete not found")
            stored.deleted = True
            self._changed()
            if stored.from_bot:
                events.append(("delete", stored.snapshot()))
            return True

    def _api_sendChatAction(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _photo_bytes(self, photo: object) -> bytes:
        """The image a sendPhoto call gives: an upload or the file id of a stored file."""
        if isinstance(photo, bytes | bytearray):
            content = bytes(photo)
            if not content:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return content
        if isinstance(photo, str) and photo in self._files:
            return self._files[photo].content
        if isinstance(photo, str) and photo.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        if photo is None:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _reply_to(self, chat: Chat, params: Mapping[str, Any]) -> JsonDict | None:
        """The message ``reply_parameters`` names in this chat (without its own reply)."""
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or reply.get("chat_id") not in (None, chat.id):
            return None
        target = chat.messages.get(reply.get("message_id", 0))
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        replied = copy.deepcopy(target.data)
        replied.pop("reply_to_message", None)
        return replied

    def _store_bot_message(
        self,
        chat: Chat,
        content: JsonDict,
        markup: JsonDict | None,
        params: Mapping[str, Any],
        *,
        source: str,
        photo: bytes | None = None,
        document: bytes | None = None,
    ) -> StoredMessage:
        """Store a new bot message; ``source`` names the parameter holding its raw text."""
        chat.last_message_id += 1
        data: JsonDict = {
            "message_id": chat.last_message_id,
            "from": dict(self.bot_user),
            "chat": dict(chat.data),
            "date": epoch(),
            **content,
        }
        if markup is not None and "inline_keyboard" in markup:
            data["reply_markup"] = markup
        raw = params.get(source)
        parse_mode = params.get("parse_mode")
        stored = StoredMessage(
            chat.id,
            chat.last_message_id,
            data,
            from_bot=True,
            raw_text=raw if isinstance(raw, str) else None,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            markup=markup,
            photo=photo,
            document=document,
        )
        chat.messages[stored.message_id] = stored
        self._changed()
        return stored
