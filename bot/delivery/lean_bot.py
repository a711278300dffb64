"""The bot's Bot API client: python-telegram-bot's ``ExtBot``, with less work per message.

Most messages the bot sends carry an inline keyboard (a check-in prompt has 14 buttons),
and python-telegram-bot handles each button twice over: its generic ``to_dict`` looks at
every attribute of every button to write the keyboard out, and Telegram's answer (the whole
message, its keyboard included) is read back into a new object per button. ``LeanBot``
writes a keyboard of plain buttons out directly, and gives the message returned the
keyboard object that was sent instead of a copy read back from the answer. Everything else
is as python-telegram-bot does it.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import ExtBot

# a button with any of these set is written out by python-telegram-bot as before
_PLAIN = ("text", "callback_data", "url")
_OTHERS = tuple(name for name in InlineKeyboardButton.__slots__ if name not in _PLAIN)


def keyboard_dict(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """The keyboard as the Bot API takes it (what ``markup.to_dict()`` gives, sooner)."""
    if markup.api_kwargs:
        return markup.to_dict()
    return {
        "inline_keyboard": [[_button_dict(key) for key in row] for row in markup.inline_keyboard]
    }


def _button_dict(key: InlineKeyboardButton) -> dict[str, Any]:
    if (
        type(key) is not InlineKeyboardButton
        or key.api_kwargs
        or any(getattr(key, name) is not None for name in _OTHERS)
    ):
        return key.to_dict()
    written: dict[str, Any] = {"text": key.text}
    if key.callback_data is not None:
        written["callback_data"] = key.callback_data
    if key.url is not None:
        written["url"] = key.url
    return written


class LeanBot(ExtBot[None]):
    """An ``ExtBot`` that writes plain keyboards directly and keeps the keyboard it sent."""

    async def _post(
        self, endpoint: str, data: dict[str, Any] | None = None, *args: Any, **kw: Any
    ) -> Any:
        markup = data.get("reply_markup") if data is not None else None
        if data is not None and isinstance(markup, InlineKeyboardMarkup):
            data["reply_markup"] = keyboard_dict(markup)
        result = await super()._post(endpoint, data, *args, **kw)
        if isinstance(markup, InlineKeyboardMarkup) and isinstance(result, dict):
            result.pop("reply_markup", None)  # the one sent is put back (``_send_message``)
        return result

    async def _send_message(
        self, endpoint: str, data: dict[str, Any], *args: Any, **kw: Any
    ) -> Any:
        sent = await super()._send_message(endpoint, data, *args, **kw)
        markup = kw.get("reply_markup")
        if (
            isinstance(sent, Message)
            and isinstance(markup, InlineKeyboardMarkup)
            and markup.inline_keyboard
        ):
            with sent._unfrozen():
                sent.reply_markup = markup
        return sent
