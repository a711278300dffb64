"""Request decoding: query strings, form, multipart and JSON bodies to typed parameters."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from email.parser import BytesParser
from email.policy import HTTP
from types import MappingProxyType
from urllib.parse import parse_qsl

# The API types of one parameter of one method (None: not known).
ParamTypes = Callable[[str, str], Sequence[str] | None]


class Upload(bytes):
    """The bytes of an uploaded file, with the name the sender gave it."""

    filename: str = ""

    @classmethod
    def named(cls, data: bytes, filename: str) -> Upload:
        """An upload of ``data`` called ``filename``."""
        upload = cls(data)
        upload.filename = filename
        return upload


# Parameter types used to decode form values when no API description is supplied.
KNOWN_PARAM_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
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
        "document": ("InputFile", "String"),
        "disable_content_type_detection": ("Boolean",),
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


def _guess_value(raw: str) -> object:
    """A form value of unknown type: JSON if it looks like it, a boolean, else the text."""
    stripped = raw.strip()
    if stripped[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            return json.loads(stripped)
    if raw in ("true", "false"):
        return raw == "true"
    return raw


def decode_value(raw: str, types: Sequence[str] | None) -> object:
    """Turn one form-encoded value into the Python value of its API type."""
    if types is None:
        return _guess_value(raw)
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


def parse_multipart(content_type: str, body: bytes) -> dict[str, object]:
    """The fields of a multipart/form-data body: text, or bytes for uploaded files."""
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
        filename = part.get_filename()
        if filename is not None:
            fields[name] = Upload.named(data, filename)
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    return fields


def _raw_fields(query: str, content_type: str, body: bytes) -> dict[str, object]:
    """Every field of the query string and the body, undecoded."""
    raw: dict[str, object] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        raw.update(parse_multipart(content_type, body))
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
    return raw


def decode_params(
    method: str,
    query: str,
    content_type: str,
    body: bytes,
    types_of: ParamTypes,
) -> dict[str, object]:
    """The parameters of one request, typed, with ``attach://`` files put in place."""
    raw = _raw_fields(query, content_type, body)
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
            params[name] = decode_value(value, types_of(method, name))
        else:
            params[name] = value
    for part in attached:
        params.pop(part, None)
    return params
