"""Telegram's checks of what the bot sends: text and caption limits, markup, parameters."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from bot.emulator.entities import FormattingError, strip_text
from bot.emulator.errors import ApiError
from bot.emulator.formatting import render_formatted_text
from bot.emulator.records import JsonDict

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100

CHAT_ACTIONS = frozenset(
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
_INLINE_BUTTON_DECORATIONS = frozenset({"text", "icon_custom_emoji_id", "style"})
_BAD_MARKUP = "Bad Request: can't parse reply keyboard markup JSON object"
_BAD_BUTTON = "Bad Request: can't parse inline keyboard button: "


def int_param(params: Mapping[str, Any], name: str) -> int:
    """A required integer parameter, or Telegram's error for a missing or invalid one."""
    value = params.get(name)
    if value is None:
        raise ApiError(400, f"Bad Request: {name} is empty")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, f"Bad Request: invalid {name} specified")
    return value


def render_text(
    text: object, parse_mode: object, entities: object, *, caption: bool = False
) -> tuple[str, list[JsonDict]]:
    """The text (or caption) and entities Telegram would show, or its error answer."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if parse_mode not in (None, "") and not isinstance(parse_mode, str):
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    try:
        if parse_mode:
            rendered, found = render_formatted_text(text, parse_mode)
        else:
            given = entities if isinstance(entities, list) else []
            rendered, found = strip_text(text, [e for e in given if isinstance(e, dict)])
    except FormattingError as exc:
        if str(exc).startswith("unsupported parse_mode"):
            raise ApiError(400, "Bad Request: unsupported parse_mode") from exc
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    if caption:
        if len(rendered) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
    elif not rendered:
        raise ApiError(400, "Bad Request: message text is empty")
    elif len(rendered) > MAX_MESSAGE_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return rendered, found


def _check_inline_button(button: object) -> None:
    """Reject an inline keyboard button the way Telegram does."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, _BAD_BUTTON + 'Field "text" must be of type String')
    actions = [k for k in button if k not in _INLINE_BUTTON_DECORATIONS]
    if not actions:
        raise ApiError(400, _BAD_BUTTON + "Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def check_markup(value: object, *, inline_only: bool = False) -> JsonDict | None:
    """Check a reply_markup like Telegram does; returns it (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError(400, _BAD_MARKUP)
    if "inline_keyboard" not in value:
        if inline_only or not {"keyboard", "remove_keyboard", "force_reply"} & value.keys():
            raise ApiError(400, _BAD_MARKUP)
        return dict(value)
    rows = value["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, _BAD_BUTTON + 'Field "inline_keyboard" must be of type Array')
    for row in rows:
        for button in row:
            _check_inline_button(button)
    return copy.deepcopy(dict(value))
