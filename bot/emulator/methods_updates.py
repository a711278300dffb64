"""Bot API methods for the bot itself and receiving updates: getMe, getUpdates, webhooks."""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from bot.emulator.base import DEFAULT_UPDATE_TYPES, EmulatorBase
from bot.emulator.errors import ApiError
from bot.emulator.records import JsonDict
from bot.emulator.state import Event
from bot.emulator.webhooks import WEBHOOK_CONFLICT

_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that "
    "only one bot instance is running"
)


class UpdateMethods(EmulatorBase):
    """getMe, getUpdates (long polling), deleteWebhook, getWebhookInfo, close and logOut."""

    def _api_getMe(self, params: Mapping[str, Any], events: list[Event]) -> object:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: Mapping[str, Any], events: list[Event]) -> object:
        offset = params.get("offset")
        limit = params.get("limit", 100)
        timeout = params.get("timeout", 0)
        allowed = params.get("allowed_updates")
        limit = max(1, min(100, limit)) if isinstance(limit, int) else 100
        timeout = max(0.0, float(timeout)) if isinstance(timeout, int | float) else 0.0
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook_url:
                raise ApiError(409, WEBHOOK_CONFLICT)
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            if isinstance(offset, int) and not isinstance(offset, bool):
                self._confirm_updates(offset)
            self._poll_generation += 1
            generation = self._poll_generation
            self._active_polls += 1
            self._changed()
            try:
                return self._long_poll(generation, limit, deadline)
            finally:
                self._active_polls -= 1
                self._changed()

    def _confirm_updates(self, offset: int) -> None:
        """Forget the updates before ``offset`` (a negative one keeps only the last few)."""
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _long_poll(self, generation: int, limit: int, deadline: float) -> list[JsonDict]:
        """Wait (holding the lock) for updates until ``deadline``, a newer poll or ``stop``."""
        while True:
            if self._stopping:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, _CONFLICT)
            if self._updates:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._cond.wait(remaining)

    def _api_deleteWebhook(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            self.webhook_url = ""  # the webhook thread stops
            if params.get("drop_pending_updates") is True:
                self._updates.clear()
            self._changed()
        return True

    def _api_getWebhookInfo(self, params: Mapping[str, Any], events: list[Event]) -> object:
        with self._cond:
            pending = len(self._updates)
            url = self.webhook_url
        return {"url": url, "has_custom_certificate": False, "pending_update_count": pending}

    def _api_close(self, params: Mapping[str, Any], events: list[Event]) -> object:
        return True

    def _api_logOut(self, params: Mapping[str, Any], events: list[Event]) -> object:
        return True
