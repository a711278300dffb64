"""Bot API methods for the command list and the menu button, and what they stored."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from bot.emulator.base import EmulatorBase
from bot.emulator.checks import MAX_COMMANDS
from bot.emulator.errors import ApiError
from bot.emulator.records import JsonDict
from bot.emulator.state import Event

_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_MENU_BUTTON_TYPES = ("commands", "web_app", "default")


def _command_key(scope: Mapping[str, Any] | None, language_code: object) -> tuple[str, str]:
    """Where one command list is kept: its scope (as JSON) and language."""
    normalized = dict(scope) if isinstance(scope, Mapping) else {"type": "default"}
    return json.dumps(normalized, sort_keys=True), str(language_code or "")


def _check_commands(commands: object) -> list[JsonDict]:
    """A setMyCommands list as Telegram accepts it, or its error."""
    if not isinstance(commands, list):
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise ApiError(400, "Bad Request: too many commands specified")
    for command in commands:
        if not isinstance(command, dict) or not _BOT_COMMAND_RE.fullmatch(
            str(command.get("command", ""))
        ):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise ApiError(400, "Bad Request: command description must be non-empty")
    return commands


class CommandMethods(EmulatorBase):
    """set/get/deleteMyCommands and set/getChatMenuButton, with their observation side."""

    def commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        """The commands set for a scope (default scope when None) and language."""
        with self._cond:
            return copy.deepcopy(self._commands.get(_command_key(scope, language_code), []))

    def menu_button(self, chat_id: int | None = None) -> JsonDict | None:
        """The menu button set for a chat (None: the default one), if any."""
        with self._cond:
            button = self._menu_buttons.get(chat_id)
            return copy.deepcopy(button) if button is not None else None

    def _api_setMyCommands(self, params: Mapping[str, Any], events: list[Event]) -> object:
        commands = _check_commands(params.get("commands"))
        with self._cond:
            key = _command_key(params.get("scope"), params.get("language_code"))
            self._commands[key] = copy.deepcopy(commands)
            self._changed()
        return True

    def _api_getMyCommands(self, params: Mapping[str, Any], events: list[Event]) -> object:
        return self.commands(params.get("scope"), str(params.get("language_code") or ""))

    def _api_deleteMyCommands(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            key = _command_key(params.get("scope"), params.get("language_code"))
            self._commands.pop(key, None)
            self._changed()
        return True

    def _api_setChatMenuButton(self, params: Mapping[str, Any], events: list[Event]) -> object:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTON_TYPES:
            raise ApiError(400, "Bad Request: can't parse menu button JSON object")
        with self._cond:
            chat_id = params.get("chat_id")
            if chat_id is not None:
                self._chat(params, sending=False)
            self._menu_buttons[chat_id if isinstance(chat_id, int) else None] = dict(button)
            self._changed()
        return True

    def _api_getChatMenuButton(self, params: Mapping[str, Any], events: list[Event]) -> object:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return self.menu_button(key) or self.menu_button(None) or {"type": "default"}
