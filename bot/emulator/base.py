"""The emulator's configuration, lock and stored world, shared by all of its parts."""

from __future__ import annotations

import copy
import itertools
import logging
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, cast

from bot.emulator.decoding import ParamTypes
from bot.emulator.errors import ApiError
from bot.emulator.records import JsonDict, Listener, RecordedRequest
from bot.emulator.server import DEFAULT_LISTEN_BACKLOG, EmulatorHTTPServer
from bot.emulator.state import Chat, InjectedFault, NetworkFault, SlowFault, StoredFile

_LOGGER = logging.getLogger(__package__)

# Returns the problems of one request (method, decoded parameters); empty when it is fine.
Validator = Callable[[str, Mapping[str, object]], list[str]]

# Update types Telegram sends when allowed_updates is empty or was never set.
DEFAULT_UPDATE_TYPES = frozenset(
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
_INT_RE = re.compile(r"-?\d+")


class EmulatorBase:
    """Configuration and state of one emulator; every part of ``BotApiEmulator`` builds on it."""

    # Each one is answered by the method ``_api_<name>`` of ``BotApiEmulator``.
    EMULATED_METHODS = frozenset(
        {
            "getMe",
            "getUpdates",
            "setWebhook",
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
            "sendDocument",
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
        keep_request_params: bool = True,
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
        self._keep_request_params = keep_request_params

        self.requests: list[RecordedRequest] = []
        self.violations: list[tuple[str, list[str]]] = []
        self.callback_answers: dict[str, JsonDict] = {}
        self._create_serving_state()
        self._create_world()

    def _create_serving_state(self) -> None:
        """The lock, the server and everything waiting on them."""
        self._cond = threading.Condition(threading.RLock())
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_opened = 0
        self._stopping = False
        self._async_wakers: set[Callable[[], None]] = set()
        self._listeners: list[Listener] = []

    def _create_world(self) -> None:
        """No users, chats, updates, files, commands or faults yet."""
        self._users: dict[int, JsonDict] = {}
        self._chats: dict[int, Chat] = {}
        self._blocked: set[int] = set()
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._next_update_id = 1  # the least id the next update may have
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._active_polls = 0
        self._callbacks: dict[str, bool] = {}
        self._callback_chats: dict[str, int] = {}  # query id -> the chat of the pressed message
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._menu_buttons: dict[int | None, JsonDict] = {}
        self._faults: list[InjectedFault] = []
        self._network_faults: list[NetworkFault] = []
        self._delays: dict[str, float] = {}  # method -> seconds each call waits before it acts
        self._slow_faults: list[SlowFault] = []
        self._send_limit: int | None = None  # flood control: sends in any one second
        self._recent_sends: deque[float] = deque()
        self._recent_paid: deque[float] = deque()  # paid broadcasts: a window of their own
        self._send_clock: Callable[[], float] = time.monotonic
        self.webhook_url = ""  # set: updates are posted there instead of polled
        self.webhook_secret: str | None = None
        self.webhook_posts = 0  # answered 2xx
        # set (spread_webhook): posts go round-robin to these, as a reverse proxy spreads them
        self.webhook_targets: tuple[str, ...] = ()
        self.webhook_posts_by_target: dict[str, int] = {}
        self.webhook_delivered: list[tuple[str, JsonDict]] = []  # (target, update) when spread
        self._in_flight: set[int] = set()  # update ids being posted to a target now
        self.webhook_failures = 0
        self._pusher: threading.Thread | None = None

    def _track(self, conn: socket.socket, opened: bool) -> None:
        """Keep the open connections, to close them on ``stop``, and count them."""
        with self._cond:
            if opened:
                self._connections.add(conn)
                self._connections_opened += 1
            else:
                self._connections.discard(conn)
                self._changed()

    def _changed(self) -> None:
        """Wake every waiter; the caller holds the lock."""
        self._cond.notify_all()
        for wake in list(self._async_wakers):
            wake()

    def _user(self, user_id: int) -> JsonDict:
        """A user added with ``add_user``."""
        user = self._users.get(user_id)
        if user is None:
            raise LookupError(f"unknown user {user_id}; call add_user first")
        return user

    def _user_chat(self, user_id: int, chat_id: int | None) -> Chat:
        """The chat a user acts in: their private chat, or a group they join on first use."""
        self._user(user_id)
        target = user_id if chat_id is None else chat_id
        if target > 0 and target != user_id:
            raise ValueError("a private chat's id is the user's id; groups have negative ids")
        chat = self._chats.get(target)
        if chat is None:
            chat = self._chats[target] = Chat(
                {"id": target, "type": "group", "title": "Test group"}
            )
        return chat

    def _chat(self, params: Mapping[str, Any], *, sending: bool = True) -> Chat:
        """The chat a Bot API call names, or Telegram's error (blocked, when ``sending``)."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, str) and _INT_RE.fullmatch(chat_id):
            chat_id = int(chat_id)
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if sending and chat.id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _enqueue(self, update_type: str, payload: JsonDict) -> JsonDict:
        """Queue an update (the caller holds the lock); returns a copy of it."""
        update_id = next(self._update_ids)
        self._next_update_id = update_id + 1
        update: JsonDict = {"update_id": update_id, update_type: payload}
        if update_type in self._allowed_updates:
            self._updates.append(update)
        else:
            _LOGGER.info("update type %s not in allowed_updates; dropped", update_type)
        self._changed()
        return copy.deepcopy(update)

    def _new_file(self, content: bytes, folder: str, extension: str) -> StoredFile:
        """Store a file under a new id and path (the caller holds the lock)."""
        number = next(self._file_ids)
        file = StoredFile(
            file_id=f"EMU{folder.upper()}{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}.{extension}",
            content=content,
        )
        self._files[file.file_id] = file
        return file

    def _photo_sizes(self, content: bytes, size: tuple[int, int]) -> list[JsonDict]:
        """A thumbnail and the full size of a photo, each stored as a file."""
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
