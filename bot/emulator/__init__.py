"""An in-process emulator of the Telegram Bot API, for tests and the offline terminal demo."""

from bot.emulator.base import Validator as Validator
from bot.emulator.bot_api_emulator import BotApiEmulator
from bot.emulator.checks import MAX_CALLBACK_ANSWER_LENGTH as MAX_CALLBACK_ANSWER_LENGTH
from bot.emulator.checks import MAX_CALLBACK_DATA_BYTES as MAX_CALLBACK_DATA_BYTES
from bot.emulator.checks import MAX_CAPTION_LENGTH as MAX_CAPTION_LENGTH
from bot.emulator.checks import MAX_COMMANDS as MAX_COMMANDS
from bot.emulator.checks import MAX_MESSAGE_LENGTH as MAX_MESSAGE_LENGTH
from bot.emulator.decoding import ParamTypes as ParamTypes
from bot.emulator.entities import FormattingError
from bot.emulator.formatting import render_formatted_text
from bot.emulator.records import BotMessage, RecordedRequest, buttons
from bot.emulator.records import JsonDict as JsonDict
from bot.emulator.records import Listener as Listener

__all__ = [
    "BotApiEmulator",
    "BotMessage",
    "FormattingError",
    "RecordedRequest",
    "buttons",
    "render_formatted_text",
]
