"""``BotApiEmulator``: the emulator's parts put together into one local Bot API server."""

from __future__ import annotations

from bot.emulator.methods_callbacks import CallbackMethods
from bot.emulator.methods_commands import CommandMethods
from bot.emulator.methods_documents import DocumentMethods
from bot.emulator.methods_edits import EditMethods
from bot.emulator.methods_files import FileMethods
from bot.emulator.methods_messages import MessageMethods
from bot.emulator.methods_updates import UpdateMethods
from bot.emulator.serving import Serving
from bot.emulator.users import UserSide
from bot.emulator.waiting import Waiting
from bot.emulator.webhooks import WebhookMethods


class BotApiEmulator(
    Serving,
    UserSide,
    Waiting,
    DocumentMethods,
    MessageMethods,
    EditMethods,
    CallbackMethods,
    CommandMethods,
    FileMethods,
    UpdateMethods,
    WebhookMethods,
):
    """A local Telegram Bot API server with a scriptable user side.

    A small HTTP server (stdlib ``ThreadingHTTPServer`` in a background thread) speaks the
    subset of the Bot API the bot uses, with Telegram's response shapes and error
    descriptions. Point python-telegram-bot at it with
    ``ApplicationBuilder().base_url(emu.base_url).base_file_url(emu.base_file_url)``.

    The user side (``add_user``, ``send_text``, ``press`` ...) queues updates that the bot
    receives through ``getUpdates``; the observation side (``chat_messages``, ``requests``,
    ``wait_for`` ...) shows what the bot did.

    ``validator(method, params)`` returns the problems of a request; each problem list is
    kept in ``violations`` and the request is answered 400. Form values are decoded with
    ``param_types(method, name)`` (taken from the validator's object when it is a bound
    method of something offering ``param_types``), else with a built-in table.
    With ``group_privacy`` (Telegram's default for bots) a group message reaches the bot
    only if it is a command for this bot or a reply to one of its messages.
    ``listen_backlog`` is the server socket's listen queue (socketserver's default, 5,
    unless a burst of new connections needs more); ``connections_opened`` counts them.
    Without ``keep_request_params`` each recorded request keeps only its ``chat_id`` (for
    runs of many thousands of calls, where the bodies would only fill memory).
    """
