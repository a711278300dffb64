"""Webhooks: setWebhook, and posting queued updates to the bot as Telegram does.

While a webhook is set, getUpdates answers 409 and a background thread posts each queued
update, oldest first, to the webhook's URL with ``X-Telegram-Bot-Api-Secret-Token``; an
update leaves the queue once the bot answers 2xx, otherwise it is posted again.

``spread_webhook(urls)`` stands for a reverse proxy in front of several instances: each
update goes to the next URL in turn, without waiting for the previous one's answer (at most
one post in flight per URL, so two updates of one person can reach two instances at the
same moment), and a failed post is tried again at the next URL.
"""

from __future__ import annotations

import itertools
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from bot.emulator.base import DEFAULT_UPDATE_TYPES, EmulatorBase
from bot.emulator.errors import ApiError
from bot.emulator.records import JsonDict
from bot.emulator.state import Event

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
RETRY_SECONDS = 0.2  # after a failed post (Telegram waits longer; tests should not)


class WebhookMethods(EmulatorBase):
    """setWebhook and the thread that posts updates to it."""

    def _api_setWebhook(self, params: Mapping[str, Any], events: list[Event]) -> object:
        url = params.get("url")
        if not isinstance(url, str):
            raise ApiError(400, "Bad Request: bad webhook: URL must be a string")
        secret = params.get("secret_token")
        allowed = params.get("allowed_updates")
        with self._cond:
            self.webhook_url = url
            self.webhook_secret = secret if isinstance(secret, str) else None
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(allowed) or DEFAULT_UPDATE_TYPES
            if params.get("drop_pending_updates") is True:
                self._updates.clear()
            if url and (self._pusher is None or not self._pusher.is_alive()):
                self._pusher = threading.Thread(
                    target=self._push_updates, name="botapi-emulator-webhook", daemon=True
                )
                self._pusher.start()
            self._poll_generation += 1  # a waiting getUpdates ends with a conflict
            self._changed()
        return True

    def spread_webhook(self, urls: list[str]) -> None:
        """Post updates round-robin to these URLs instead of the webhook's own (empty: stop)."""
        with self._cond:
            self.webhook_targets = tuple(urls)
            self.webhook_posts_by_target = dict.fromkeys(urls, 0)
            self.webhook_delivered = []
            self._changed()

    def _push_updates(self) -> None:
        """Post queued updates until the webhook is removed or the emulator stops."""
        with self._cond:
            spread = bool(self.webhook_targets)
        if spread:
            self._spread_updates()
            return
        while True:
            with self._cond:
                while not self._stopping and self.webhook_url and not self._updates:
                    self._cond.wait(1.0)
                if self._stopping or not self.webhook_url:
                    return
                update = self._updates[0]
                url, secret = self.webhook_url, self.webhook_secret
            delivered = self._post(url, secret, update)
            with self._cond:
                if delivered:
                    self.webhook_posts += 1
                    self._updates = [u for u in self._updates if u is not update]
                    self._changed()
                else:
                    self.webhook_failures += 1
                    self._cond.wait(RETRY_SECONDS)

    @staticmethod
    def _post(url: str, secret: str | None, update: Mapping[str, Any]) -> bool:
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(
            url, data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return 200 <= int(response.status) < 300
        except (urllib.error.URLError, OSError):
            return False

    def _spread_updates(self) -> None:
        """Post each update to the next target, one post in flight per target."""
        turns = itertools.cycle(range(len(self.webhook_targets)))
        busy: set[str] = set()
        while True:
            with self._cond:
                while not self._stopping and self.webhook_url and not self._next_to_spread(busy):
                    self._cond.wait(1.0)
                if self._stopping or not self.webhook_url:
                    return
                targets = self.webhook_targets
                url = next(t for t in (targets[next(turns)] for _ in targets) if t not in busy)
                update = self._next_to_spread(busy)
                assert update is not None
                busy.add(url)
                self._in_flight.add(int(update["update_id"]))
                secret = self.webhook_secret
            threading.Thread(
                target=self._post_spread,
                args=(url, secret, update, busy),
                name="botapi-emulator-webhook-post",
                daemon=True,
            ).start()

    def _next_to_spread(self, busy: set[str]) -> JsonDict | None:
        """The oldest update not being posted, if a target is free (the caller holds the lock)."""
        if len(busy) >= len(self.webhook_targets):
            return None
        return next((u for u in self._updates if u["update_id"] not in self._in_flight), None)

    def _post_spread(self, url: str, secret: str | None, update: JsonDict, busy: set[str]) -> None:
        """One post; on failure the update is free at once for the next target, and this
        target rests a moment (as a proxy marks a failed upstream down for a while)."""
        delivered = self._post(url, secret, update)
        with self._cond:
            self._in_flight.discard(int(update["update_id"]))
            if delivered:
                self.webhook_posts += 1
                self.webhook_posts_by_target[url] = self.webhook_posts_by_target.get(url, 0) + 1
                self.webhook_delivered.append((url, update))
                self._updates = [u for u in self._updates if u is not update]
            else:
                self.webhook_failures += 1
                self._changed()
                self._cond.wait(RETRY_SECONDS)
            busy.discard(url)
            self._changed()
