"""Telegram's HTML parse mode: tags and character references to text and entities."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from types import MappingProxyType

from bot.emulator.entities import Entity, FormattingError, TextBuilder, byte_offset

_INT_RE = re.compile(r"-?\d+")
_TAG_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z_:][\w:.-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([A-Za-z_:][\w:.-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_CHAR_REF_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
_TAG_ENTITIES: Mapping[str, str] = MappingProxyType(
    {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "tg-spoiler": "spoiler",
        "span": "spoiler",
        "a": "text_link",
        "code": "code",
        "pre": "pre",
        "blockquote": "blockquote",
        "tg-emoji": "custom_emoji",
        "tg-time": "date_time",
    }
)

# An open tag: its name, entity kind ("" for none), start offset and extra entity fields.
_OpenTag = tuple[str, str, int, Entity]


def _start_tag_entity(name: str, attrs: Mapping[str, str], pos: int) -> tuple[str, Entity]:
    """The entity kind and extra entity fields of one supported start tag."""
    kind = _TAG_ENTITIES[name]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise FormattingError(f'Unsupported start tag "span" at byte offset {pos}')
    if name == "a":
        href = attrs.get("href", "")
        return (kind, {"url": href}) if href else ("", {})
    if name == "code":
        css = attrs.get("class", "")
        return kind, (
            {"language": css.removeprefix("language-")} if css.startswith("language-") else {}
        )
    if name == "blockquote" and "expandable" in attrs:
        return "expandable_blockquote", {}
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id:
            raise FormattingError(f"Custom emoji identifier must be specified at byte offset {pos}")
        return kind, {"custom_emoji_id": emoji_id}
    if name == "tg-time":
        unix = attrs.get("unix", "")
        if not _INT_RE.fullmatch(unix):
            raise FormattingError(f"Unix time must be specified at byte offset {pos}")
        extra: Entity = {"unix_time": int(unix)}
        if attrs.get("format"):
            extra["date_time_format"] = attrs["format"]
        return kind, extra
    return kind, {}


def _open_tag(name: str, attr_text: str, pos: int, out: TextBuilder, stack: list[_OpenTag]) -> None:
    """Push a start tag, checking that Telegram supports it."""
    if name not in _TAG_ENTITIES:
        raise FormattingError(f'Unsupported start tag "{name}" at byte offset {pos}')
    attrs = {
        key.lower(): next((v for v in values if v), "")
        for key, *values in _ATTR_RE.findall(attr_text)
    }
    kind, extra = _start_tag_entity(name, attrs, pos)
    stack.append((name, kind, out.offset, extra))


def _close_tag(name: str, pos: int, out: TextBuilder, stack: list[_OpenTag]) -> None:
    """Pop the matching start tag and record its entity."""
    if not stack:
        raise FormattingError(f'Unexpected end tag "{name}" at byte offset {pos}')
    open_name, kind, start, extra = stack.pop()
    if open_name != name:
        raise FormattingError(
            f'Unmatched end tag at byte offset {pos}, expected "</{open_name}>", found "</{name}>"'
        )
    if kind == "code" and stack and stack[-1][0] == "pre":
        if "language" in extra:
            stack[-1][3]["language"] = extra["language"]
    elif kind:
        out.entity(kind, start, {} if kind == "code" else extra)


def _char_ref(text: str, i: int, out: TextBuilder) -> int:
    """Add the character a reference at ``i`` stands for (a bare "&" stays); the next index."""
    match = _CHAR_REF_RE.match(text, i)
    if match:
        out.add(html.unescape(match.group(0)))
        return match.end()
    out.add("&")
    return i + 1


def _tag(text: str, i: int, out: TextBuilder, stack: list[_OpenTag]) -> int:
    """Handle the start or end tag at ``i``; the index just past it."""
    pos = byte_offset(text, i)
    tag = _TAG_RE.match(text, i)
    if tag is None:
        if ">" not in text[i:]:
            raise FormattingError(f"Unclosed start tag at byte offset {pos}")
        bad = re.match(r"</?([^\s>/]*)", text[i:])
        shown = bad.group(1) if bad else ""
        raise FormattingError(f'Unsupported start tag "{shown}" at byte offset {pos}')
    closing, name_raw, attr_text = tag.group(1), tag.group(2), tag.group(3)
    name = name_raw.lower()
    if closing:
        _close_tag(name, pos, out, stack)
    else:
        _open_tag(name, attr_text, pos, out, stack)
    return tag.end()


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Text and entities of ``text`` in the HTML parse mode."""
    out = TextBuilder()
    stack: list[_OpenTag] = []
    plain_start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char not in "<&":
            i += 1
            continue
        out.add(text[plain_start:i])
        i = plain_start = _char_ref(text, i, out) if char == "&" else _tag(text, i, out, stack)
    out.add(text[plain_start:])
    if stack:
        raise FormattingError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()
