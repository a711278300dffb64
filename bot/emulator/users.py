"""The user side: people who start the bot, write, edit, send media and press buttons."""

from __future__ import annotations

import copy
import itertools
import logging
import re
from collections.abc import Mapping
from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.records import JsonDict, buttons
from bot.emulator.state import Chat, StoredMessage, epoch

_LOGGER = logging.getLogger(__package__)

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@([A-Za-z0-9_]{1,32}))?")


class UserSide(EmulatorBase):
    """Scripted users: each action queues the update Telegram would send the bot."""

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str = "Alex",
        language_code: str | None = "en",
        username: str | None = None,
    ) -> JsonDict:
        """Register a user who has started the bot; also creates their private chat."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        chat: JsonDict = {"id": user_id, "type": "private", "first_name": first_name}
        if username:
            chat["username"] = username
        with self._cond:
            self._users[user_id] = user
            if user_id in self._chats:
                self._chats[user_id].data = chat
            else:
                self._chats[user_id] = Chat(chat)
            self._changed()
            return dict(user)

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        """The user sends ``text``; commands get a bot_command entity. Returns the update."""
        content: JsonDict = {"text": text}
        command = _COMMAND_RE.match(text)
        if command and not (
            command.end() < len(text)
            and (text[command.end()].isalnum() or text[command.end()] == "_")
        ):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return self._user_message(user_id, chat_id, content, reply_to_message_id)

    def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> JsonDict:
        """The user edits one of their text messages. Returns the edited_message update."""
        with self._cond:
            chat = self._user_chat(user_id, chat_id)
            stored = chat.messages.get(message_id)
            if stored is None or stored.deleted or stored.from_bot:
                raise LookupError(f"no user message #{message_id} in chat {chat.id}")
            message = {**copy.deepcopy(stored.data), "text": text, "edit_date": epoch()}
            stored.data = message
            stored.raw_text = text
            return self._enqueue("edited_message", message)

    def send_sticker(
        self, user_id: int, *, chat_id: int | None = None, emoji: str = "🙂"
    ) -> JsonDict:
        """The user sends a sticker. Returns the update."""
        with self._cond:
            file = self._new_file(b"emulated-sticker", "stickers", "webp")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "EmulatedStickers",
            "file_size": len(file.content),
        }
        return self._user_message(user_id, chat_id, {"sticker": sticker}, None)

    def send_photo(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        caption: str | None = None,
        content: bytes = b"emulated-photo",
    ) -> JsonDict:
        """The user sends a photo (two sizes), optionally captioned. Returns the update."""
        with self._cond:
            sizes = self._photo_sizes(content, (1280, 960))
        message: JsonDict = {"photo": sizes}
        if caption is not None:
            message["caption"] = caption
        return self._user_message(user_id, chat_id, message, None)

    def send_voice(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        duration: int = 3,
        content: bytes = b"emulated-voice",
    ) -> JsonDict:
        """The user sends a voice note. Returns the update."""
        with self._cond:
            file = self._new_file(content, "voice", "oga")
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return self._user_message(user_id, chat_id, {"voice": voice}, None)

    def send_update(self, update_type: str, payload: Mapping[str, Any]) -> JsonDict:
        """Queue an arbitrary update of ``update_type`` (for cases the helpers don't cover)."""
        with self._cond:
            return self._enqueue(update_type, copy.deepcopy(dict(payload)))

    def press_button(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> str:
        """The user presses a button carrying ``callback_data`` (may be forged); the query id."""
        with self._cond:
            user = self._user(user_id)
            chat = self._user_chat(user_id, chat_id)
            stored = chat.messages.get(message_id)
            if stored is None or stored.deleted or not stored.from_bot:
                raise LookupError(f"no bot message #{message_id} in chat {chat.id}")
            query_id = str(next(self._callback_ids))
            self._callbacks[query_id] = False
            self._callback_chats[query_id] = chat.id
            query = {
                "id": query_id,
                "from": dict(user),
                "message": copy.deepcopy(stored.data),
                "chat_instance": str(chat.id * 7919 + 1_000_000_007),
                "data": callback_data,
            }
            self._enqueue("callback_query", query)
            return query_id

    def press_detached(self, user_id: int, callback_data: str) -> str:
        """A press with no message attached (as from an inline message); the query id."""
        with self._cond:
            user = self._user(user_id)
            query_id = str(next(self._callback_ids))
            self._callbacks[query_id] = False
            query = {
                "id": query_id,
                "from": dict(user),
                "inline_message_id": f"inline-{query_id}",
                "chat_instance": str(user_id * 7919 + 1_000_000_007),
                "data": callback_data,
            }
            self._enqueue("callback_query", query)
            return query_id

    def send_raw(self, update: Mapping[str, Any]) -> None:
        """Queue ``update`` exactly as given, its ``update_id`` too (repeated, out of order).

        A callback query in it is registered, so the bot may answer it once."""
        with self._cond:
            query = update.get("callback_query")
            if isinstance(query, dict) and isinstance(query.get("id"), str):
                self._callbacks[query["id"]] = False
            self._updates.append(copy.deepcopy(dict(update)))
            raw_id = update.get("update_id")
            if isinstance(raw_id, int) and raw_id >= self._next_update_id:
                # later updates come after it, as Telegram's always do: ones with lower ids
                # would fall below the offset the bot confirms next
                self._next_update_id = raw_id + 1
                self._update_ids = itertools.count(self._next_update_id)
            self._changed()

    def press(self, user_id: int, label: str, *, chat_id: int | None = None) -> str:
        """Press the button labelled ``label`` on the newest bot message that has it."""
        with self._cond:
            chat = self._user_chat(user_id, chat_id)
            recent = [m.snapshot() for m in chat.messages.values() if m.from_bot and not m.deleted]
        recent.sort(key=lambda m: -m.message_id)
        for exact in (True, False):
            for msg in recent:
                matches = [
                    (text, data)
                    for text, data in buttons(msg)
                    if (text == label if exact else label in text)
                ]
                if len(matches) > 1 and not exact:
                    raise LookupError(
                        f"button label {label!r} is ambiguous in message #{msg.message_id}: "
                        f"{[text for text, _ in matches]}"
                    )
                if matches:
                    return self.press_button(
                        user_id, msg.message_id, matches[0][1], chat_id=chat_id
                    )
        available = "; ".join(
            f"#{m.message_id}: {[text for text, _ in buttons(m)]}" for m in recent if buttons(m)
        )
        raise LookupError(
            f"no button {label!r} in chat {chat.id}; available: {available or 'none'}"
        )

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        content: JsonDict,
        reply_to_message_id: int | None,
    ) -> JsonDict:
        """Store a user's message and queue it, unless group privacy hides it from the bot."""
        with self._cond:
            user = self._user(user_id)
            chat = self._user_chat(user_id, chat_id)
            chat.last_message_id += 1
            message: JsonDict = {
                "message_id": chat.last_message_id,
                "from": dict(user),
                "chat": dict(chat.data),
                "date": epoch(),
                **content,
            }
            replied = chat.messages.get(reply_to_message_id) if reply_to_message_id else None
            if reply_to_message_id is not None:
                if replied is None or replied.deleted:
                    raise LookupError(f"no message #{reply_to_message_id} in chat {chat.id}")
                message["reply_to_message"] = copy.deepcopy(replied.data)
            chat.messages[chat.last_message_id] = StoredMessage(
                chat.id, chat.last_message_id, message, from_bot=False, raw_text=content.get("text")
            )
            if (
                chat.data["type"] != "private"
                and self.group_privacy
                and not self._privacy_allows(content, replied)
            ):
                _LOGGER.info("group privacy: message #%s not delivered", message["message_id"])
                self._changed()
                return {"update_id": None, "message": copy.deepcopy(message)}
            return self._enqueue("message", message)

    def _privacy_allows(self, content: Mapping[str, Any], replied: StoredMessage | None) -> bool:
        """Whether a bot in privacy mode receives this group message."""
        if replied is not None and replied.from_bot:
            return True
        entities = content.get("entities") or []
        if not any(e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities):
            return False
        command = _COMMAND_RE.match(str(content.get("text", "")))
        addressee = command.group(1) if command else None
        return addressee is None or addressee.lower() == self.bot_username.lower()
