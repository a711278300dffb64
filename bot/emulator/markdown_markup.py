"""Telegram's MarkdownV2 and legacy Markdown parse modes: markup to text and entities."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from bot.emulator.entities import Entity, FormattingError, TextBuilder, byte_offset

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
# Markers that open and close an entity, longest first where one is a prefix of another.
_TOGGLES = (
    ("||", "spoiler"),
    ("__", "underline"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strikethrough"),
)
# Entity names as Telegram's "Can't find end of ... entity" errors spell them.
_ERROR_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "bold": "Bold",
        "italic": "Italic",
        "underline": "Underline",
        "strikethrough": "Strikethrough",
        "spoiler": "Spoiler",
        "link": "TextUrl",
        "emoji": "CustomEmoji",
    }
)
_LEGACY_LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def _read_until(text: str, start: int, closing: str, escapable: str) -> tuple[str, int] | None:
    """Text up to the unescaped ``closing`` marker and the index just past it."""
    chars: list[str] = []
    i = start
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in escapable:
            chars.append(text[i + 1])
            i += 2
            continue
        if text.startswith(closing, i):
            return "".join(chars), i + len(closing)
        chars.append(text[i])
        i += 1
    return None


def _reserved(char: str) -> FormattingError:
    """The error for a reserved character that is not escaped."""
    return FormattingError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


class _MarkdownV2Parser:
    """One MarkdownV2 text being turned into plain text and entities."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out = TextBuilder()
        # open entities: kind, start offset, byte offset of the marker (for errors)
        self.stack: list[tuple[str, int, int]] = []
        self.quote_start: int | None = None
        self.i = 0

    def parse(self) -> tuple[str, list[Entity]]:
        """Parse the whole text."""
        while self.i < len(self.text):
            self._step()
        if self.quote_start is not None:
            self.out.entity("blockquote", self.quote_start)
        if self.stack:
            kind, _, pos = self.stack[-1]
            raise FormattingError(
                f"Can't find end of {_ERROR_NAMES[kind]} entity at byte offset {pos}"
            )
        return self.out.result()

    def _step(self) -> None:
        """Consume the character (or marker) at the current index."""
        text, i = self.text, self.i
        char = text[i]
        pos = byte_offset(text, i)
        if char == "\\":
            self._escaped()
            return
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            if self.quote_start is None:
                self.quote_start = self.out.offset
            self.i += 1
            return
        if char == "\n" and self.quote_start is not None and not text.startswith(">", i + 1):
            self.out.entity("blockquote", self.quote_start)
            self.quote_start = None
        toggle = next(((m, k) for m, k in _TOGGLES if text.startswith(m, i)), None)
        if char == "`":
            self._code(pos)
        elif toggle is not None:
            self._toggle(*toggle, pos)
        elif char == "[" or text.startswith("![", i):
            self.stack.append(("link" if char == "[" else "emoji", self.out.offset, pos))
            self.i += 1 if char == "[" else 2
        elif char == "]" and self.stack and self.stack[-1][0] in ("link", "emoji"):
            self._link_end(pos)
        elif char in _RESERVED:
            raise _reserved(char)
        else:
            self.out.add(char)
            self.i += 1

    def _escaped(self) -> None:
        """A backslash escapes any ASCII character after it."""
        text, i = self.text, self.i
        if i + 1 < len(text) and 0 < ord(text[i + 1]) < 127:
            self.out.add(text[i + 1])
            self.i += 2
            return
        raise _reserved("\\")

    def _code(self, pos: int) -> None:
        """Inline code or a pre block, with the language named on the fence line."""
        fence = "```" if self.text.startswith("```", self.i) else "`"
        found = _read_until(self.text, self.i + len(fence), fence, "`\\")
        if found is None:
            kind = "Pre" if fence == "```" else "Code"
            raise FormattingError(f"Can't find end of {kind} entity at byte offset {pos}")
        body, self.i = found
        start = self.out.offset
        extra: Entity = {}
        if fence == "```":
            first, newline, rest = body.partition("\n")
            if newline and first and not any(c.isspace() for c in first):
                extra["language"] = first
                body = rest
        self.out.add(body)
        self.out.entity("pre" if fence == "```" else "code", start, extra)

    def _toggle(self, marker: str, kind: str, pos: int) -> None:
        """Open an entity, or close it if it is the innermost open one."""
        if self.stack and self.stack[-1][0] == kind:
            _, start, _ = self.stack.pop()
            self.out.entity(kind, start)
        else:
            self.stack.append((kind, self.out.offset, pos))
        self.i += len(marker)

    def _link_end(self, pos: int) -> None:
        """Close a text link or custom emoji with its ``(url)``."""
        if not self.text.startswith("(", self.i + 1):
            raise FormattingError(f"Can't find end of a URL at byte offset {pos}")
        target = _read_until(self.text, self.i + 2, ")", ")\\")
        if target is None:
            raise FormattingError(f"Can't find end of a URL at byte offset {pos}")
        url, self.i = target
        kind, start, _ = self.stack.pop()
        if kind == "link":
            self.out.entity("text_link", start, {"url": url})
        else:
            self.out.entity("custom_emoji", start, {"custom_emoji_id": url.rpartition("id=")[2]})


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Text and entities of ``text`` in the MarkdownV2 parse mode."""
    return _MarkdownV2Parser(text).parse()


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Text and entities of ``text`` in the legacy Markdown parse mode."""
    out = TextBuilder()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        markers = {"*": ("*", "bold"), "_": ("_", "italic"), "`": ("`", "code")}
        if text.startswith("```", i):
            markers["`"] = ("```", "pre")
        if char in markers:
            marker, kind = markers[char]
            end = text.find(marker, i + len(marker))
            if end < 0:
                raise FormattingError(
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
                )
            start = out.offset
            out.add(text[i + len(marker) : end])
            out.entity(kind, start)
            i = end + len(marker)
            continue
        link = _LEGACY_LINK_RE.match(text, i) if char == "[" else None
        if link:
            start = out.offset
            out.add(link.group(1))
            out.entity("text_link", start, {"url": link.group(2)})
            i = link.end()
            continue
        out.add(char)
        i += 1
    return out.result()
