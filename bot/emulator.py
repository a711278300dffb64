"""An in-process emulator of the Telegram Bot API, for tests and the offline terminal demo.

The emulator is a small HTTP server (stdlib ``ThreadingHTTPServer`` in a background
thread) that speaks the subset of the Bot API the bot uses, with Telegram's response
shapes and error descriptions. Point python-telegram-bot at it with
``ApplicationBuilder().base_url(emu.base_url).base_file_url(emu.base_file_url)``.

The user side (``add_user``, ``send_text``, ``press`` ...) queues updates that the bot
receives through ``getUpdates``; the observation side (``chat_messages``, ``requests``,
``wait_for`` ...) shows what the bot did.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import logging
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, unquote

__all__ = [
    "BotApiEmulator",
    "BotMessage",
    "FormattingError",
    "RecordedRequest",
    "buttons",
    "render_formatted_text",
]

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

JsonDict = dict[str, Any]
Validator = Callable[[str, Mapping[str, object]], list[str]]
ParamTypes = Callable[[str, str], Sequence[str] | None]
Listener = Callable[[str, "BotMessage"], None]

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types Telegram sends when allowed_updates is empty or was never set.
_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "my_chat_member",
        "chat_join_request",
        "poll",
        "poll_answer",
        "pre_checkout_query",
        "shipping_query",
    }
)
_INLINE_BUTTON_DECORATIONS = frozenset({"text", "icon_custom_emoji_id", "style"})

# Parameter types used to decode form values when no API description is supplied.
_KNOWN_PARAM_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "chat_id": ("Integer", "String"),
        **dict.fromkeys(
            (
                "message_id",
                "message_thread_id",
                "direct_messages_topic_id",
                "offset",
                "limit",
                "timeout",
                "cache_time",
                "user_id",
            ),
            ("Integer",),
        ),
        **dict.fromkeys(
            (
                "disable_notification",
                "protect_content",
                "allow_paid_broadcast",
                "show_alert",
                "drop_pending_updates",
                "show_caption_above_media",
                "has_spoiler",
                "allow_sending_without_reply",
            ),
            ("Boolean",),
        ),
        "reply_markup": ("InlineKeyboardMarkup", "ReplyKeyboardMarkup", "ReplyKeyboardRemove"),
        "entities": ("Array of MessageEntity",),
        "caption_entities": ("Array of MessageEntity",),
        "commands": ("Array of BotCommand",),
        "allowed_updates": ("Array of String",),
        "scope": ("BotCommandScope",),
        "menu_button": ("MenuButton",),
        "link_preview_options": ("LinkPreviewOptions",),
        "reply_parameters": ("ReplyParameters",),
        "photo": ("InputFile", "String"),
        **dict.fromkeys(
            (
                "text",
                "caption",
                "parse_mode",
                "callback_query_id",
                "url",
                "action",
                "language_code",
                "file_id",
                "inline_message_id",
                "business_connection_id",
                "message_effect_id",
            ),
            ("String",),
        ),
    }
)
_TEXTUAL_TYPES = frozenset({"String", "InputFile"})
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PATH_RE = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]*)")
_FILE_PATH_RE = re.compile(r"/file/bot([^/]+)/(.+)")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@([A-Za-z0-9_]{1,32}))?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


# --------------------------------------------------------------------------- formatting


class FormattingError(ValueError):
    """Text that Telegram rejects with "can't parse entities" for its parse_mode."""


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _TextBuilder:
    """Plain text with entities measured in UTF-16 code units, as Telegram reports them."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[JsonDict] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.offset += _u16(chunk)

    def entity(self, kind: str, start: int, extra: Mapping[str, Any] | None = None) -> None:
        length = self.offset - start
        if length > 0:
            self.entities.append({"type": kind, "offset": start, "length": length, **(extra or {})})

    def result(self) -> tuple[str, list[JsonDict]]:
        return _strip_text("".join(self.parts), self.entities)


def _strip_text(text: str, entities: Sequence[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim surrounding whitespace like Telegram does, moving the entities along."""
    left = _u16(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    total = _u16(stripped)
    kept: list[JsonDict] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - left)
        end = min(total, int(entity["offset"]) + int(entity["length"]) - left)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, kept


_HTML_TAG_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[A-Za-z_:][\w:.-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_HTML_ATTR_RE = re.compile(
    r"([A-Za-z_:][\w:.-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?"
)
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
_HTML_TAGS: Mapping[str, str] = MappingProxyType(
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


def _html_start_extra(name: str, attrs: Mapping[str, str], pos: int) -> tuple[str, JsonDict]:
    """The entity kind and extra entity fields of one supported start tag."""
    kind = _HTML_TAGS[name]
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
        extra: JsonDict = {"unix_time": int(unix)}
        if attrs.get("format"):
            extra["date_time_format"] = attrs["format"]
        return kind, extra
    return kind, {}


def _parse_html(text: str) -> tuple[str, list[JsonDict]]:
    out = _TextBuilder()
    stack: list[tuple[str, str, int, JsonDict]] = []
    plain_start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char not in "<&":
            i += 1
            continue
        out.add(text[plain_start:i])
        if char == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            if match:
                out.add(html.unescape(match.group(0)))
                i = plain_start = match.end()
            else:
                out.add("&")
                i = plain_start = i + 1
            continue
        pos = _byte_offset(text, i)
        tag = _HTML_TAG_RE.match(text, i)
        if tag is None:
            if ">" not in text[i:]:
                raise FormattingError(f"Unclosed start tag at byte offset {pos}")
            bad = re.match(r"</?([^\s>/]*)", text[i:])
            shown = bad.group(1) if bad else ""
            raise FormattingError(f'Unsupported start tag "{shown}" at byte offset {pos}')
        closing, name_raw, attr_text = tag.group(1), tag.group(2), tag.group(3)
        name = name_raw.lower()
        if closing:
            if not stack:
                raise FormattingError(f'Unexpected end tag "{name}" at byte offset {pos}')
            open_name, kind, start, extra = stack.pop()
            if open_name != name:
                raise FormattingError(
                    f'Unmatched end tag at byte offset {pos}, expected "</{open_name}>", '
                    f'found "</{name}>"'
                )
            if kind == "code" and stack and stack[-1][0] == "pre":
                if "language" in extra:
                    stack[-1][3]["language"] = extra["language"]
            elif kind:
                out.entity(kind, start, {} if kind == "code" else extra)
        else:
            if name not in _HTML_TAGS:
                raise FormattingError(f'Unsupported start tag "{name}" at byte offset {pos}')
            attrs = {
                key.lower(): next((v for v in values if v), "")
                for key, *values in _HTML_ATTR_RE.findall(attr_text)
            }
            kind, extra = _html_start_extra(name, attrs, pos)
            stack.append((name, kind, out.offset, extra))
        i = plain_start = tag.end()
    out.add(text[plain_start:])
    if stack:
        raise FormattingError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD_NAMES: Mapping[str, str] = MappingProxyType(
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


def _parse_markdown_v2(text: str) -> tuple[str, list[JsonDict]]:
    out = _TextBuilder()
    stack: list[tuple[str, int, int]] = []
    quote_start: int | None = None
    i = 0
    while i < len(text):
        char = text[i]
        pos = _byte_offset(text, i)
        if char == "\\":
            if i + 1 < len(text) and 0 < ord(text[i + 1]) < 127:
                out.add(text[i + 1])
                i += 2
                continue
            raise FormattingError(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            if quote_start is None:
                quote_start = out.offset
            i += 1
            continue
        if char == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            out.entity("blockquote", quote_start)
            quote_start = None
        if char == "`":
            fence = "```" if text.startswith("```", i) else "`"
            found = _read_until(text, i + len(fence), fence, "`\\")
            if found is None:
                kind = "Pre" if fence == "```" else "Code"
                raise FormattingError(f"Can't find end of {kind} entity at byte offset {pos}")
            body, i = found
            start = out.offset
            extra: JsonDict = {}
            if fence == "```":
                first, newline, rest = body.partition("\n")
                if newline and first and not any(c.isspace() for c in first):
                    extra["language"] = first
                    body = rest
            out.add(body)
            out.entity("pre" if fence == "```" else "code", start, extra)
            continue
        toggles = (("||", "spoiler"), ("__", "underline"), ("*", "bold"), ("_", "italic"))
        toggle = next(
            ((m, k) for m, k in (*toggles, ("~", "strikethrough")) if text.startswith(m, i)), None
        )
        if toggle is not None:
            marker, kind = toggle
            if stack and stack[-1][0] == kind:
                _, start, _ = stack.pop()
                out.entity(kind, start)
            else:
                stack.append((kind, out.offset, pos))
            i += len(marker)
            continue
        if char == "[" or text.startswith("![", i):
            stack.append(("link" if char == "[" else "emoji", out.offset, pos))
            i += 1 if char == "[" else 2
            continue
        if char == "]" and stack and stack[-1][0] in ("link", "emoji"):
            if not text.startswith("(", i + 1):
                raise FormattingError(f"Can't find end of a URL at byte offset {pos}")
            target = _read_until(text, i + 2, ")", ")\\")
            if target is None:
                raise FormattingError(f"Can't find end of a URL at byte offset {pos}")
            url, i = target
            kind, start, _ = stack.pop()
            if kind == "link":
                out.entity("text_link", start, {"url": url})
            else:
                out.entity("custom_emoji", start, {"custom_emoji_id": url.rpartition("id=")[2]})
            continue
        if char in _MDV2_RESERVED:
            raise FormattingError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(char)
        i += 1
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        kind, _, pos = stack[-1]
        raise FormattingError(f"Can't find end of {_MD_NAMES[kind]} entity at byte offset {pos}")
    return out.result()


def _parse_markdown(text: str) -> tuple[str, list[JsonDict]]:
    out = _TextBuilder()
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
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.offset
            out.add(text[i + len(marker) : end])
            out.entity(kind, start)
            i = end + len(marker)
            continue
        link = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(text, i) if char == "[" else None
        if link:
            start = out.offset
            out.add(link.group(1))
            out.entity("text_link", start, {"url": link.group(2)})
            i = link.end()
            continue
        out.add(char)
        i += 1
    return out.result()


def render_formatted_text(text: str, parse_mode: str | None) -> tuple[str, list[JsonDict]]:
    """Text and entities as Telegram shows them after parsing ``parse_mode`` markup."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    if mode:
        raise FormattingError(f"unsupported parse_mode {parse_mode!r}")
    return _strip_text(text, [])


# --------------------------------------------------------------------------- public records


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

    def buttons(self) -> list[tuple[str, str]]:
        """The (label, callback_data) of every callback button of the inline keyboard."""
        return buttons(self)


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


# --------------------------------------------------------------------------- internal state


class _ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class _Fault:
    method: str
    chat_id: int | None
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class _NetworkFault:
    method: str
    after_processing: bool
    remaining: int


@dataclass
class _Stored:
    chat_id: int
    message_id: int
    data: JsonDict
    from_bot: bool
    raw_text: str | None = None
    parse_mode: str | None = None
    markup: JsonDict | None = None
    photo: bytes | None = None
    edited: bool = False
    deleted: bool = False

    def snapshot(self) -> BotMessage:
        text = self.data.get("text", self.data.get("caption"))
        entities = self.data.get("entities", self.data.get("caption_entities", []))
        return BotMessage(
            chat_id=self.chat_id,
            message_id=self.message_id,
            text=text,
            reply_markup=copy.deepcopy(self.markup),
            photo=self.photo,
            edited=self.edited,
            deleted=self.deleted,
            raw_text=self.raw_text,
            parse_mode=self.parse_mode,
            entities=tuple(copy.deepcopy(entities or [])),
            data=copy.deepcopy(self.data),
        )


@dataclass
class _Chat:
    data: JsonDict
    last_message_id: int = 0
    messages: dict[int, _Stored] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.data["id"])


@dataclass(frozen=True)
class _File:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


_Event = tuple[str, BotMessage]


def _now() -> datetime:
    return datetime.now(UTC)


def _epoch() -> int:
    return int(_now().timestamp())


def _decode_value(raw: str, types: Sequence[str] | None) -> object:
    """Turn one form-encoded value into the Python value of its API type."""
    if types is None:
        stripped = raw.strip()
        if stripped[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                return json.loads(stripped)
        if raw in ("true", "false"):
            return raw == "true"
        return raw
    for api_type in sorted(types, key=lambda t: t in _TEXTUAL_TYPES):
        if api_type == "Integer":
            if _INT_RE.fullmatch(raw):
                return int(raw)
        elif api_type == "Float":
            if _FLOAT_RE.fullmatch(raw):
                return float(raw)
        elif api_type == "Boolean":
            if raw.lower() in ("true", "false"):
                return raw.lower() == "true"
        elif api_type in _TEXTUAL_TYPES:
            return raw
        else:
            try:
                decoded = json.loads(raw)
            except ValueError:
                continue
            if isinstance(decoded, dict | list):
                return decoded
    return raw


def _parse_multipart(content_type: str, body: bytes) -> dict[str, object]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise ValueError("can't parse multipart/form-data body")
    fields: dict[str, object] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            fields[name] = data
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    return fields


def _png_size(content: bytes) -> tuple[int, int]:
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 800, 600


def _short(params: Mapping[str, object], limit: int = 160) -> str:
    shown = {k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in params.items()}
    text = repr(shown)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- HTTP plumbing


# socketserver's own default listen backlog.
DEFAULT_LISTEN_BACKLOG = 5


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], emulator: BotApiEmulator, listen_backlog: int
    ) -> None:
        self.emulator = emulator
        self.request_queue_size = listen_backlog
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    @property
    def _emulator(self) -> BotApiEmulator:
        return cast(_Server, self.server).emulator

    def setup(self) -> None:
        super().setup()
        self._emulator._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._emulator._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        raw_path, _, query = self.path.partition("?")
        path = unquote(raw_path)
        reply = self._emulator._handle_http(path, query, self.headers.get("Content-Type", ""), body)
        if reply is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, content_type, payload = reply
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True


def _json_reply(status: int, payload: JsonDict) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------- the emulator


class BotApiEmulator:
    """A local Telegram Bot API server with a scriptable user side.

    ``validator(method, params)`` returns the problems of a request; each problem list is
    kept in ``violations`` and the request is answered 400. Form values are decoded with
    ``param_types(method, name)`` (taken from the validator's object when it is a bound
    method of something offering ``param_types``), else with a built-in table.
    With ``group_privacy`` (Telegram's default for bots) a group message reaches the bot
    only if it is a command for this bot or a reply to one of its messages.
    ``listen_backlog`` is the server socket's listen queue (socketserver's default, 5,
    unless a burst of new connections needs more); ``connections_opened`` counts them.
    """

    EMULATED_METHODS = frozenset(
        {
            "getMe",
            "getUpdates",
            "deleteWebhook",
            "getWebhookInfo",
            "setMyCommands",
            "getMyCommands",
            "deleteMyCommands",
            "setChatMenuButton",
            "getChatMenuButton",
            "sendMessage",
            "editMessageText",
            "editMessageCaption",
            "editMessageReplyMarkup",
            "deleteMessage",
            "answerCallbackQuery",
            "sendPhoto",
            "sendChatAction",
            "getFile",
            "close",
            "logOut",
        }
    )

    def __init__(
        self,
        *,
        token: str = "123456:emulated-token",
        host: str = "127.0.0.1",
        port: int = 0,
        validator: Validator | None = None,
        bot_username: str = "kindbreak_bot",
        bot_first_name: str = "Kindbreak",
        param_types: ParamTypes | None = None,
        group_privacy: bool = True,
        listen_backlog: int = DEFAULT_LISTEN_BACKLOG,
    ) -> None:
        bot_id, sep, _ = token.partition(":")
        if not sep or not bot_id.isdigit():
            raise ValueError("token must look like '<bot id>:<secret>'")
        self.token = token
        self.host = host
        self.bot_username = bot_username
        self.bot_user: JsonDict = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.group_privacy = group_privacy
        self._port = port
        self._listen_backlog = listen_backlog
        self._validator = validator
        spec_types = getattr(getattr(validator, "__self__", None), "param_types", None)
        if param_types is None and callable(spec_types):
            param_types = cast(ParamTypes, spec_types)
        self._param_types = param_types

        self.requests: list[RecordedRequest] = []
        self.violations: list[tuple[str, list[str]]] = []
        self.callback_answers: dict[str, JsonDict] = {}

        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_opened = 0
        self._stopping = False
        self._async_wakers: set[Callable[[], None]] = set()
        self._listeners: list[Listener] = []

        self._users: dict[int, JsonDict] = {}
        self._chats: dict[int, _Chat] = {}
        self._blocked: set[int] = set()
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._active_polls = 0
        self._callbacks: dict[str, bool] = {}
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._files: dict[str, _File] = {}
        self._file_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._menu_buttons: dict[int | None, JsonDict] = {}
        self._faults: list[_Fault] = []
        self._network_faults: list[_NetworkFault] = []

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        """The TCP port the server listens on (known once started)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return int(self._server.server_address[1])

    @property
    def api_url(self) -> str:
        """The server root, like ``https://api.telegram.org`` (``/bot`` and ``/file/bot`` below)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The Bot API base URL for ``ApplicationBuilder().base_url``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The file download base URL for ``ApplicationBuilder().base_file_url``."""
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def connections_opened(self) -> int:
        """How many HTTP connections the server has accepted so far."""
        with self._cond:
            return self._connections_opened

    def start(self) -> None:
        """Bind the port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        with self._cond:
            self._stopping = False
        self._server = _Server((self.host, self._port), self, self._listen_backlog)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"botapi-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        _LOGGER.info("Bot API emulator listening on %s", self.base_url)

    def stop(self) -> None:
        """Stop serving, wake long polls and close every open connection."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._changed()
        server.shutdown()
        server.server_close()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> BotApiEmulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
                self._connections_opened += 1
            else:
                self._connections.discard(conn)

    def _changed(self) -> None:
        """Wake every waiter; the caller holds the lock."""
        self._cond.notify_all()
        for wake in list(self._async_wakers):
            wake()

    # ------------------------------------------------------------------ HTTP entry

    def _handle_http(
        self, path: str, query: str, content_type: str, body: bytes
    ) -> tuple[int, str, bytes] | None:
        if match := _FILE_PATH_RE.fullmatch(path):
            return self._serve_file(match.group(1), match.group(2))
        match = _PATH_RE.fullmatch(path)
        if match is None:
            return _json_reply(404, _ApiError(404, "Not Found").payload())
        token, method = match.groups()
        if token != self.token:
            return _json_reply(401, _ApiError(401, "Unauthorized").payload())
        try:
            params = self._decode_request(method, query, content_type, body)
        except ValueError as exc:
            return _json_reply(400, _ApiError(400, f"Bad Request: {exc}").payload())
        return self._process(method, params)

    def _serve_file(self, token: str, file_path: str) -> tuple[int, str, bytes]:
        if token != self.token:
            return _json_reply(401, _ApiError(401, "Unauthorized").payload())
        with self._cond:
            found = next((f for f in self._files.values() if f.file_path == file_path), None)
        if found is None:
            return _json_reply(404, _ApiError(404, "Not Found").payload())
        return 200, "application/octet-stream", found.content

    def _types_of(self, method: str, name: str) -> Sequence[str] | None:
        if self._param_types is not None:
            types = self._param_types(method, name)
            if types is not None:
                return types
        return _KNOWN_PARAM_TYPES.get(name)

    def _decode_request(
        self, method: str, query: str, content_type: str, body: bytes
    ) -> dict[str, object]:
        raw: dict[str, object] = dict(parse_qsl(query, keep_blank_values=True))
        kind = content_type.split(";")[0].strip().lower()
        if kind == "multipart/form-data":
            raw.update(_parse_multipart(content_type, body))
        elif kind == "application/json":
            try:
                decoded = json.loads(body or b"{}")
            except ValueError as exc:
                raise ValueError("can't parse JSON body") from exc
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            raw.update(decoded)
        elif body:
            raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        params: dict[str, object] = {}
        attached: set[str] = set()
        for name, value in raw.items():
            if isinstance(value, str) and value.startswith("attach://"):
                part = value.removeprefix("attach://")
                if isinstance(raw.get(part), bytes):
                    params[name] = raw[part]
                    attached.add(part)
                    continue
            if isinstance(value, str):
                params[name] = _decode_value(value, self._types_of(method, name))
            else:
                params[name] = value
        for part in attached:
            params.pop(part, None)
        return params

    def _process(self, method: str, params: dict[str, object]) -> tuple[int, str, bytes] | None:
        problems = self._validator(method, params) if self._validator else []
        if problems:
            with self._cond:
                self.violations.append((method, list(problems)))
            _LOGGER.warning("Bot API violation in %s: %s", method, "; ".join(problems))
        canonical = next((m for m in self.EMULATED_METHODS if m.lower() == method.lower()), None)
        events: list[_Event] = []
        drop: _NetworkFault | None = None
        try:
            if canonical is None:
                if method:
                    _LOGGER.warning("Bot API method %s is not emulated", method)
                raise _ApiError(404, "Not Found")
            if problems:
                raise _ApiError(400, "Bad Request: " + "; ".join(problems))
            drop = self._take_network_fault(canonical)
            if drop is not None and not drop.after_processing:
                self._record(method, params, None, dropped=True)
                return None
            self._raise_injected_fault(canonical, params)
            handler = cast(
                Callable[[Mapping[str, Any], list[_Event]], object],
                getattr(self, f"_api_{canonical}"),
            )
            result = handler(params, events)
            status, payload = 200, {"ok": True, "result": result}
            error: _ApiError | None = None
        except _ApiError as exc:
            status, payload, error = exc.code, exc.payload(), exc
        self._notify_listeners(events)
        if drop is not None:
            self._record(method, params, None, dropped=True)
            return None
        self._record(method, params, error)
        return _json_reply(status, payload)

    def _record(
        self,
        method: str,
        params: Mapping[str, object],
        error: _ApiError | None,
        *,
        dropped: bool = False,
    ) -> None:
        with self._cond:
            self.requests.append(
                RecordedRequest(
                    method=method,
                    params=params,
                    at=_now(),
                    response_ok=error is None and not dropped,
                    error_code=error.code if error else None,
                    description=error.description
                    if error
                    else ("connection dropped" if dropped else None),
                )
            )
            self._changed()

    def _notify_listeners(self, events: Sequence[_Event]) -> None:
        with self._cond:
            listeners = list(self._listeners)
        for kind, message in events:
            for listener in listeners:
                try:
                    listener(kind, message)
                except Exception:
                    _LOGGER.exception("emulator listener failed on %s", kind)

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id``) with an error."""
        with self._cond:
            self._faults.append(
                _Fault(method, chat_id, error_code, description, retry_after, times)
            )

    def network_fail_next(
        self, method: str, times: int = 1, *, after_processing: bool = False
    ) -> None:
        """Drop the connection of the next ``times`` calls of ``method`` without answering.

        With ``after_processing`` the call takes effect first and only the answer is lost.
        """
        with self._cond:
            self._network_faults.append(_NetworkFault(method, after_processing, times))

    def block_user(self, user_id: int) -> JsonDict:
        """The user blocks the bot: sends to their chat fail with 403; returns the update."""
        return self._set_blocked(user_id, blocked=True)

    def unblock_user(self, user_id: int) -> JsonDict:
        """The user unblocks the bot; returns the my_chat_member update."""
        return self._set_blocked(user_id, blocked=False)

    def _set_blocked(self, user_id: int, *, blocked: bool) -> JsonDict:
        with self._cond:
            user = self._user(user_id)
            chat = self._chats[user_id]
            if blocked:
                self._blocked.add(user_id)
            else:
                self._blocked.discard(user_id)
            member = {"user": dict(self.bot_user), "status": "member"}
            kicked = {"user": dict(self.bot_user), "status": "kicked", "until_date": 0}
            payload = {
                "chat": dict(chat.data),
                "from": dict(user),
                "date": _epoch(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            }
            return self._enqueue("my_chat_member", payload)

    def _take_network_fault(self, method: str) -> _NetworkFault | None:
        with self._cond:
            for fault in self._network_faults:
                if fault.method == method and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
        return None

    def _raise_injected_fault(self, method: str, params: Mapping[str, object]) -> None:
        with self._cond:
            for fault in self._faults:
                if fault.method != method or fault.remaining <= 0:
                    continue
                if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                    continue
                fault.remaining -= 1
                raise _ApiError(fault.error_code, fault.description, fault.retry_after)

    # ------------------------------------------------------------------ user side

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
                self._chats[user_id] = _Chat(chat)
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
            message = {**copy.deepcopy(stored.data), "text": text, "edit_date": _epoch()}
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
            query = {
                "id": query_id,
                "from": dict(user),
                "message": copy.deepcopy(stored.data),
                "chat_instance": str(chat.id * 7919 + 1_000_000_007),
                "data": callback_data,
            }
            self._enqueue("callback_query", query)
            return query_id

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

    def _user(self, user_id: int) -> JsonDict:
        user = self._users.get(user_id)
        if user is None:
            raise LookupError(f"unknown user {user_id}; call add_user first")
        return user

    def _user_chat(self, user_id: int, chat_id: int | None) -> _Chat:
        """The chat a user acts in: their private chat, or a group they join on first use."""
        self._user(user_id)
        target = user_id if chat_id is None else chat_id
        if target > 0 and target != user_id:
            raise ValueError("a private chat's id is the user's id; groups have negative ids")
        chat = self._chats.get(target)
        if chat is None:
            chat = self._chats[target] = _Chat(
                {"id": target, "type": "group", "title": "Test group"}
            )
        return chat

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        content: JsonDict,
        reply_to_message_id: int | None,
    ) -> JsonDict:
        with self._cond:
            user = self._user(user_id)
            chat = self._user_chat(user_id, chat_id)
            chat.last_message_id += 1
            message: JsonDict = {
                "message_id": chat.last_message_id,
                "from": dict(user),
                "chat": dict(chat.data),
                "date": _epoch(),
                **content,
            }
            replied = chat.messages.get(reply_to_message_id) if reply_to_message_id else None
            if reply_to_message_id is not None:
                if replied is None or replied.deleted:
                    raise LookupError(f"no message #{reply_to_message_id} in chat {chat.id}")
                message["reply_to_message"] = copy.deepcopy(replied.data)
            chat.messages[chat.last_message_id] = _Stored(
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

    def _privacy_allows(self, content: Mapping[str, Any], replied: _Stored | None) -> bool:
        """Whether a bot in privacy mode receives this group message."""
        if replied is not None and replied.from_bot:
            return True
        entities = content.get("entities") or []
        if not any(e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities):
            return False
        command = _COMMAND_RE.match(str(content.get("text", "")))
        addressee = command.group(1) if command else None
        return addressee is None or addressee.lower() == self.bot_username.lower()

    def _enqueue(self, update_type: str, payload: JsonDict) -> JsonDict:
        """Queue an update (the caller holds the lock); returns a copy of it."""
        update: JsonDict = {"update_id": next(self._update_ids), update_type: payload}
        if update_type in self._allowed_updates:
            self._updates.append(update)
        else:
            _LOGGER.info("update type %s not in allowed_updates; dropped", update_type)
        self._changed()
        return copy.deepcopy(update)

    def _new_file(self, content: bytes, folder: str, extension: str) -> _File:
        number = next(self._file_ids)
        file = _File(
            file_id=f"EMU{folder.upper()}{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}.{extension}",
            content=content,
        )
        self._files[file.file_id] = file
        return file

    def _photo_sizes(self, content: bytes, size: tuple[int, int]) -> list[JsonDict]:
        width, height = size
        sizes: list[JsonDict] = []
        for scale in (max(width, height) // 90 or 1, 1):
            file = self._new_file(content, "photos", "jpg")
            sizes.append(
                {
                    "file_id": file.file_id,
                    "file_unique_id": file.file_unique_id,
                    "width": max(1, width // scale),
                    "height": max(1, height // scale),
                    "file_size": len(content),
                }
            )
        return sizes

    # ------------------------------------------------------------------ observation

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

    def commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        """The commands set for a scope (default scope when None) and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._command_key(scope, language_code), []))

    def menu_button(self, chat_id: int | None = None) -> JsonDict | None:
        """The menu button set for a chat (None: the default one), if any."""
        with self._cond:
            button = self._menu_buttons.get(chat_id)
            return copy.deepcopy(button) if button is not None else None

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

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,
        *,
        description: str | None = None,
    ) -> T:
        """Wait until ``predicate()`` returns something other than None/False; return it."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()

        def wake() -> None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

        with self._cond:
            self._async_wakers.add(wake)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    event.clear()
                    result = predicate()
                    if result is not None and result is not False:
                        return result
                    await event.wait()
        except TimeoutError:
            raise TimeoutError(self._timeout_message(timeout, description)) from None
        finally:
            with self._cond:
                self._async_wakers.discard(wake)

    def _timeout_message(self, timeout: float, description: str | None) -> str:
        with self._cond:
            recent = self.requests[-6:]
        lines = [
            f"  {r.method}({_short(r.params)}) -> "
            + ("ok" if r.response_ok else f"error {r.error_code}: {r.description}")
            for r in recent
        ]
        what = description or "the condition"
        tail = "\n".join(lines) if lines else "  (none)"
        return f"timed out after {timeout}s waiting for {what}; last requests:\n{tail}"

    async def next_message(
        self,
        chat_id: int,
        *,
        after: int | None = None,
        timeout: float = 5.0,
    ) -> BotMessage:
        """The first bot message in a chat with message_id > ``after`` (default: now)."""
        floor = self.mark(chat_id) if after is None else after

        def find() -> BotMessage | None:
            return next((m for m in self.chat_messages(chat_id) if m.message_id > floor), None)

        return await self.wait_for(
            find, timeout, description=f"a bot message in chat {chat_id} after #{floor}"
        )

    async def wait_callback_answered(self, query_id: str, timeout: float = 5.0) -> JsonDict:
        """The parameters the bot answered callback query ``query_id`` with."""
        return await self.wait_for(
            lambda: self.callback_answers.get(query_id),
            timeout,
            description=f"an answer to callback query {query_id}",
        )

    async def wait_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,
        after_index: int = 0,
    ) -> RecordedRequest:
        """The first recorded ``method`` call from ``after_index`` on matching ``predicate``."""

        def find() -> RecordedRequest | None:
            with self._cond:
                candidates = self.requests[after_index:]
            return next(
                (
                    r
                    for r in candidates
                    if r.method == method and (predicate is None or predicate(r))
                ),
                None,
            )

        return await self.wait_for(find, timeout, description=f"a {method} request")

    # ------------------------------------------------------------------ API helpers

    def _chat(self, params: Mapping[str, Any], *, sending: bool = True) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, str) and _INT_RE.fullmatch(chat_id):
            chat_id = int(chat_id)
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise _ApiError(400, "Bad Request: chat not found")
        if sending and chat.id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _int_param(params: Mapping[str, Any], name: str) -> int:
        value = params.get(name)
        if value is None:
            raise _ApiError(400, f"Bad Request: {name} is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _ApiError(400, f"Bad Request: invalid {name} specified")
        return value

    @staticmethod
    def _render(
        text: object, parse_mode: object, entities: object, *, caption: bool = False
    ) -> tuple[str, list[JsonDict]]:
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        if parse_mode not in (None, "") and not isinstance(parse_mode, str):
            raise _ApiError(400, "Bad Request: unsupported parse_mode")
        try:
            if parse_mode:
                rendered, found = render_formatted_text(text, parse_mode)
            else:
                given = entities if isinstance(entities, list) else []
                rendered, found = _strip_text(text, [e for e in given if isinstance(e, dict)])
        except FormattingError as exc:
            if str(exc).startswith("unsupported parse_mode"):
                raise _ApiError(400, "Bad Request: unsupported parse_mode") from exc
            raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        if caption:
            if len(rendered) > MAX_CAPTION_LENGTH:
                raise _ApiError(400, "Bad Request: message caption is too long")
        elif not rendered:
            raise _ApiError(400, "Bad Request: message text is empty")
        elif len(rendered) > MAX_MESSAGE_LENGTH:
            raise _ApiError(400, "Bad Request: message is too long")
        return rendered, found

    @staticmethod
    def _markup(value: object, *, inline_only: bool = False) -> JsonDict | None:
        """Check a reply_markup like Telegram does; returns it (None when absent)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in value:
            if inline_only or not {"keyboard", "remove_keyboard", "force_reply"} & value.keys():
                raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
            return dict(value)
        rows = value["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _ApiError(
                400,
                'Bad Request: can\'t parse inline keyboard button: Field "inline_keyboard" '
                "must be of type Array",
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _ApiError(
                        400,
                        'Bad Request: can\'t parse inline keyboard button: Field "text" must be '
                        "of type String",
                    )
                actions = [k for k in button if k not in _INLINE_BUTTON_DECORATIONS]
                if not actions:
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard",
                    )
                data = button.get("callback_data")
                if data is not None and (
                    not isinstance(data, str)
                    or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return copy.deepcopy(dict(value))

    def _reply_to(self, chat: _Chat, params: Mapping[str, Any]) -> JsonDict | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict) or reply.get("chat_id") not in (None, chat.id):
            return None
        target = chat.messages.get(reply.get("message_id", 0))
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _ApiError(400, "Bad Request: message to be replied not found")
        replied = copy.deepcopy(target.data)
        replied.pop("reply_to_message", None)
        return replied

    def _store_bot_message(
        self,
        chat: _Chat,
        content: JsonDict,
        markup: JsonDict | None,
        params: Mapping[str, Any],
        *,
        source: str,
        photo: bytes | None = None,
    ) -> _Stored:
        chat.last_message_id += 1
        data: JsonDict = {
            "message_id": chat.last_message_id,
            "from": dict(self.bot_user),
            "chat": dict(chat.data),
            "date": _epoch(),
            **content,
        }
        if markup is not None and "inline_keyboard" in markup:
            data["reply_markup"] = markup
        raw = params.get(source)
        parse_mode = params.get("parse_mode")
        stored = _Stored(
            chat.id,
            chat.last_message_id,
            data,
            from_bot=True,
            raw_text=raw if isinstance(raw, str) else None,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            markup=markup,
            photo=photo,
        )
        chat.messages[stored.message_id] = stored
        self._changed()
        return stored

    def _editable(self, params: Mapping[str, Any]) -> tuple[_Chat, _Stored]:
        if params.get("inline_message_id") is not None:
            raise _ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = self._int_param(params, "message_id")
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if not stored.from_bot:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return chat, stored

    def _apply_edit(
        self,
        stored: _Stored,
        content: JsonDict,
        markup: JsonDict | None,
        events: list[_Event],
        params: Mapping[str, Any] | None = None,
        source: str = "",
    ) -> JsonDict:
        current = {k: stored.data.get(k) or None for k in content}
        wanted = {k: v or None for k, v in content.items()}
        if current == wanted and stored.data.get("reply_markup") == markup:
            raise _ApiError(400, _NOT_MODIFIED)
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
        stored.data["edit_date"] = _epoch()
        stored.edited = True
        self._changed()
        events.append(("edit", stored.snapshot()))
        return copy.deepcopy(stored.data)

    @staticmethod
    def _command_key(scope: Mapping[str, Any] | None, language_code: object) -> tuple[str, str]:
        normalized = dict(scope) if isinstance(scope, Mapping) else {"type": "default"}
        return json.dumps(normalized, sort_keys=True), str(language_code or "")

    # ------------------------------------------------------------------ API methods

    def _api_getMe(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        offset = params.get("offset")
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        allowed = params.get("allowed_updates")
        limit = max(1, min(100, limit)) if isinstance(limit, int) else 100
        timeout = max(0.0, float(timeout)) if isinstance(timeout, int | float) else 0.0
        deadline = time.monotonic() + timeout
        with self._cond:
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or _DEFAULT_UPDATE_TYPES
            if isinstance(offset, int) and not isinstance(offset, bool):
                if offset < 0:
                    self._updates = self._updates[offset:]
                else:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._poll_generation += 1
            generation = self._poll_generation
            self._active_polls += 1
            self._changed()
            try:
                while True:
                    if self._stopping:
                        return []
                    if generation != self._poll_generation:
                        raise _ApiError(
                            409,
                            "Conflict: terminated by other getUpdates request; make sure that "
                            "only one bot instance is running",
                        )
                    if self._updates:
                        return copy.deepcopy(self._updates[:limit])
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return []
                    self._cond.wait(remaining)
            finally:
                self._active_polls -= 1
                self._changed()

    def _api_deleteWebhook(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        if params.get("drop_pending_updates") is True:
            with self._cond:
                self._updates.clear()
                self._changed()
        return True

    def _api_getWebhookInfo(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            pending = len(self._updates)
        return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}

    def _api_setMyCommands(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _ApiError(400, "Bad Request: too many commands specified")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _ApiError(400, "Bad Request: command description must be non-empty")
        with self._cond:
            key = self._command_key(params.get("scope"), params.get("language_code"))
            self._commands[key] = copy.deepcopy(commands)
            self._changed()
        return True

    def _api_getMyCommands(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        return self.commands(params.get("scope"), str(params.get("language_code") or ""))

    def _api_deleteMyCommands(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            key = self._command_key(params.get("scope"), params.get("language_code"))
            self._commands.pop(key, None)
            self._changed()
        return True

    def _api_setChatMenuButton(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise _ApiError(400, "Bad Request: can't parse menu button JSON object")
        with self._cond:
            chat_id = params.get("chat_id")
            if chat_id is not None:
                self._chat(params, sending=False)
            self._menu_buttons[chat_id if isinstance(chat_id, int) else None] = dict(button)
            self._changed()
        return True

    def _api_getChatMenuButton(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return self.menu_button(key) or self.menu_button(None) or {"type": "default"}

    def _api_sendMessage(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            chat = self._chat(params)
            text, entities = self._render(
                params.get("text"), params.get("parse_mode"), params.get("entities")
            )
            markup = self._markup(params.get("reply_markup"))
            content: JsonDict = {"text": text}
            if entities:
                content["entities"] = entities
            if (replied := self._reply_to(chat, params)) is not None:
                content["reply_to_message"] = replied
            stored = self._store_bot_message(chat, content, markup, params, source="text")
            events.append(("new", stored.snapshot()))
            return copy.deepcopy(stored.data)

    def _api_sendPhoto(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            chat = self._chat(params)
            photo = params.get("photo")
            if isinstance(photo, bytes | bytearray):
                content_bytes = bytes(photo)
                if not content_bytes:
                    raise _ApiError(400, "Bad Request: file must be non-empty")
            elif isinstance(photo, str) and photo in self._files:
                content_bytes = self._files[photo].content
            elif isinstance(photo, str) and photo.startswith(("http://", "https://")):
                raise _ApiError(400, "Bad Request: failed to get HTTP URL content")
            elif photo is None:
                raise _ApiError(400, "Bad Request: there is no photo in the request")
            else:
                raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            content: JsonDict = {
                "photo": self._photo_sizes(content_bytes, _png_size(content_bytes))
            }
            caption = params.get("caption")
            if caption is not None:
                text, entities = self._render(
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
            markup = self._markup(params.get("reply_markup"))
            stored = self._store_bot_message(
                chat, content, markup, params, source="caption", photo=content_bytes
            )
            events.append(("new", stored.snapshot()))
            return copy.deepcopy(stored.data)

    def _api_editMessageText(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            _, stored = self._editable(params)
            if "text" not in stored.data:
                raise _ApiError(400, "Bad Request: there is no text in the message to edit")
            text, entities = self._render(
                params.get("text"), params.get("parse_mode"), params.get("entities")
            )
            markup = self._markup(params.get("reply_markup"), inline_only=True)
            content = {"text": text, "entities": entities}
            return self._apply_edit(stored, content, markup, events, params, "text")

    def _api_editMessageCaption(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            _, stored = self._editable(params)
            if "photo" not in stored.data:
                raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
            text, entities = self._render(
                params.get("caption"),
                params.get("parse_mode"),
                params.get("caption_entities"),
                caption=True,
            )
            markup = self._markup(params.get("reply_markup"), inline_only=True)
            content: JsonDict = {"caption": text or None, "caption_entities": entities}
            return self._apply_edit(stored, content, markup, events, params, "caption")

    def _api_editMessageReplyMarkup(
        self, params: Mapping[str, Any], events: list[_Event]
    ) -> object:
        with self._cond:
            _, stored = self._editable(params)
            markup = self._markup(params.get("reply_markup"), inline_only=True)
            return self._apply_edit(stored, {}, markup, events)

    def _api_deleteMessage(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            chat = self._chat(params, sending=False)
            stored = chat.messages.get(self._int_param(params, "message_id"))
            if stored is None or stored.deleted:
                raise _ApiError(400, "Bad Request: message to delete not found")
            stored.deleted = True
            self._changed()
            if stored.from_bot:
                events.append(("delete", stored.snapshot()))
            return True

    def _api_answerCallbackQuery(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        query_id = params.get("callback_query_id")
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        with self._cond:
            if not isinstance(query_id, str) or self._callbacks.get(query_id, True):
                raise _ApiError(400, _QUERY_INVALID)
            self._callbacks[query_id] = True
            self.callback_answers[query_id] = dict(params)
            self._changed()
        return True

    def _api_sendChatAction(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _api_getFile(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        with self._cond:
            file = self._files.get(str(params.get("file_id", "")))
        if file is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": len(file.content),
            "file_path": file.file_path,
        }

    def _api_close(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        return True

    def _api_logOut(self, params: Mapping[str, Any], events: list[_Event]) -> object:
        return True
