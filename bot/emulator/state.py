"""The emulator's stored world: chats, their messages, files and injected faults."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.emulator.records import BotMessage, JsonDict


@dataclass
class InjectedFault:
    """An error answer ``fail_next`` queued for the next calls of a method."""

    method: str
    chat_id: int | None
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class SlowFault:
    """A slow answer ``slow_next`` queued: the call waits ``seconds``, then takes effect."""

    method: str
    seconds: float
    remaining: int


@dataclass
class NetworkFault:
    """A dropped connection ``network_fail_next`` queued for the next calls of a method."""

    method: str
    after_processing: bool
    remaining: int


@dataclass
class StoredMessage:
    """A message in a chat (sent by the bot or a user) with its current Bot API object."""

    chat_id: int
    message_id: int
    data: JsonDict
    from_bot: bool
    raw_text: str | None = None
    parse_mode: str | None = None
    markup: JsonDict | None = None
    photo: bytes | None = None
    document: bytes | None = None
    edited: bool = False
    deleted: bool = False

    def snapshot(self) -> BotMessage:
        """The message as the observation side shows it (a deep copy)."""
        text = self.data.get("text", self.data.get("caption"))
        entities = self.data.get("entities", self.data.get("caption_entities", []))
        return BotMessage(
            chat_id=self.chat_id,
            message_id=self.message_id,
            text=text,
            reply_markup=copy.deepcopy(self.markup),
            photo=self.photo,
            document=self.document,
            edited=self.edited,
            deleted=self.deleted,
            raw_text=self.raw_text,
            parse_mode=self.parse_mode,
            entities=tuple(copy.deepcopy(entities or [])),
            data=copy.deepcopy(self.data),
        )


@dataclass
class Chat:
    """A private chat or group, with every message in it by id."""

    data: JsonDict
    last_message_id: int = 0
    messages: dict[int, StoredMessage] = field(default_factory=dict)

    @property
    def id(self) -> int:
        """The chat id."""
        return int(self.data["id"])


@dataclass(frozen=True)
class StoredFile:
    """An uploaded or user-sent file, downloadable under its ``file_path``."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


# What a Bot API call did to a bot message, for the listeners: ("new" | "edit" | "delete", it).
Event = tuple[str, BotMessage]


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def epoch() -> int:
    """The current Unix time in whole seconds, as in a message's ``date``."""
    return int(now().timestamp())
