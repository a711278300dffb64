"""Plain text with MessageEntity objects measured in UTF-16 code units, as Telegram counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# A MessageEntity as Telegram sends it: type, offset, length and the type's own fields.
Entity = dict[str, Any]


class FormattingError(ValueError):
    """Text that Telegram rejects with "can't parse entities" for its parse_mode."""


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of character ``index``, as Telegram's error messages give it."""
    return len(text[:index].encode("utf-8"))


class TextBuilder:
    """Plain text with entities measured in UTF-16 code units, as Telegram reports them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def add(self, chunk: str) -> None:
        """Append plain text."""
        self.parts.append(chunk)
        self.offset += utf16_length(chunk)

    def entity(self, kind: str, start: int, extra: Mapping[str, Any] | None = None) -> None:
        """Record an entity from ``start`` to the current offset (nothing if it is empty)."""
        length = self.offset - start
        if length > 0:
            self.entities.append({"type": kind, "offset": start, "length": length, **(extra or {})})

    def result(self) -> tuple[str, list[Entity]]:
        """The text and its entities, trimmed like Telegram does."""
        return strip_text("".join(self.parts), self.entities)


def strip_text(text: str, entities: Sequence[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram does, moving the entities along."""
    left = utf16_length(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    total = utf16_length(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - left)
        end = min(total, int(entity["offset"]) + int(entity["length"]) - left)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept
