"""What the emulator shows of the bot's doings: recorded requests and bot messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """One Bot API call the emulator received, with its decoded parameters."""

    method: str
    params: Mapping[str, object]
    at: datetime
    response_ok: bool
    error_code: int | None = None
    description: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent, as it looks now (after edits and deletions)."""

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: JsonDict | None
    photo: bytes | None
    edited: bool
    deleted: bool
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: tuple[JsonDict, ...] = ()
    data: JsonDict = field(default_factory=dict)
    document: bytes | None = None  # the content of a sent document

    @property
    def file_name(self) -> str | None:
        """The name of a sent document."""
        document = self.data.get("document")
        return document.get("file_name") if isinstance(document, dict) else None

    def buttons(self) -> list[tuple[str, str]]:
        """The (label, callback_data) of every callback button of the inline keyboard."""
        return buttons(self)


# Called (on the server thread) with "new", "edit" or "delete" and the bot message.
Listener = Callable[[str, BotMessage], None]


def buttons(msg: BotMessage | None) -> list[tuple[str, str]]:
    """The (label, callback_data) of every callback button of ``msg``'s inline keyboard."""
    if msg is None or not msg.reply_markup:
        return []
    rows = msg.reply_markup.get("inline_keyboard") or []
    return [
        (str(button.get("text", "")), str(button["callback_data"]))
        for row in rows
        for button in row
        if isinstance(button, dict) and "callback_data" in button
    ]
