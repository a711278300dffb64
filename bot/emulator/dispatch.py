"""From HTTP request to Bot API answer: routing, decoding, validation, faults, recording."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from bot.emulator.decoding import KNOWN_PARAM_TYPES, decode_params
from bot.emulator.errors import ApiError
from bot.emulator.faults import FaultInjection
from bot.emulator.records import JsonDict, RecordedRequest
from bot.emulator.server import Reply
from bot.emulator.state import Event, NetworkFault, now

_LOGGER = logging.getLogger(__package__)

_PATH_RE = re.compile(r"/bot([^/]+)/([A-Za-z0-9_]*)")
_FILE_PATH_RE = re.compile(r"/file/bot([^/]+)/(.+)")

# One Bot API method: (decoded parameters, bot message events to report) -> result.
_MethodHandler = Callable[[Mapping[str, Any], list[Event]], object]


def json_reply(status: int, payload: JsonDict) -> tuple[int, str, bytes]:
    """An HTTP answer with a JSON body."""
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _error_reply(code: int, description: str) -> tuple[int, str, bytes]:
    return json_reply(code, ApiError(code, description).payload())


class RequestDispatch(FaultInjection):
    """Answers each HTTP request: a file download or one Bot API method call."""

    def _handle_http(self, path: str, query: str, content_type: str, body: bytes) -> Reply:
        """The answer to one HTTP request (None: drop the connection)."""
        if match := _FILE_PATH_RE.fullmatch(path):
            return self._serve_file(match.group(1), match.group(2))
        match = _PATH_RE.fullmatch(path)
        if match is None:
            return _error_reply(404, "Not Found")
        token, method = match.groups()
        if token != self.token:
            return _error_reply(401, "Unauthorized")
        try:
            params = decode_params(method, query, content_type, body, self._types_of)
        except ValueError as exc:
            return _error_reply(400, f"Bad Request: {exc}")
        return self._process(method, params)

    def _serve_file(self, token: str, file_path: str) -> tuple[int, str, bytes]:
        """The content of a stored file, as ``/file/bot<token>/<path>`` serves it."""
        if token != self.token:
            return _error_reply(401, "Unauthorized")
        with self._cond:
            found = next((f for f in self._files.values() if f.file_path == file_path), None)
        if found is None:
            return _error_reply(404, "Not Found")
        return 200, "application/octet-stream", found.content

    def _types_of(self, method: str, name: str) -> Sequence[str] | None:
        """The API types of a parameter: from the description if given, else the table."""
        if self._param_types is not None:
            types = self._param_types(method, name)
            if types is not None:
                return types
        return KNOWN_PARAM_TYPES.get(name)

    def _violations(self, method: str, params: Mapping[str, object]) -> list[str]:
        """The validator's problems with a request, kept in ``violations``."""
        problems = self._validator(method, params) if self._validator else []
        if problems:
            with self._cond:
                self.violations.append((method, list(problems)))
            _LOGGER.warning("Bot API violation in %s: %s", method, "; ".join(problems))
        return problems

    def _process(self, method: str, params: dict[str, object]) -> Reply:
        """Call one Bot API method; its JSON answer, or None when a network fault drops it."""
        problems = self._violations(method, params)
        canonical = next((m for m in self.EMULATED_METHODS if m.lower() == method.lower()), None)
        events: list[Event] = []
        drop: NetworkFault | None = None
        try:
            if canonical is None:
                if method:
                    _LOGGER.warning("Bot API method %s is not emulated", method)
                raise ApiError(404, "Not Found")
            if problems:
                raise ApiError(400, "Bad Request: " + "; ".join(problems))
            slowness = self._take_slowness(canonical)
            if slowness:  # this request's own server thread waits; others go on
                time.sleep(slowness)
            drop = self._take_network_fault(canonical)
            if drop is not None and not drop.after_processing:
                self._record(method, params, None, dropped=True)
                return None
            self._raise_injected_fault(canonical, params)
            self._flood_control(canonical, params)
            handler = cast(_MethodHandler, getattr(self, f"_api_{canonical}"))
            result = handler(params, events)
            status, payload = 200, {"ok": True, "result": result}
            error: ApiError | None = None
        except ApiError as exc:
            status, payload, error = exc.code, exc.payload(), exc
        self._notify_listeners(events)
        if drop is not None:
            self._record(method, params, None, dropped=True)
            return None
        self._record(method, params, error)
        return json_reply(status, payload)

    def _record(
        self,
        method: str,
        params: Mapping[str, object],
        error: ApiError | None,
        *,
        dropped: bool = False,
    ) -> None:
        """Keep one call in ``requests`` with how it was answered."""
        if error:
            description: str | None = error.description
        else:
            description = "connection dropped" if dropped else None
        if not self._keep_request_params:
            params = {"chat_id": params["chat_id"]} if "chat_id" in params else {}
        with self._cond:
            self.requests.append(
                RecordedRequest(
                    method=method,
                    params=params,
                    at=now(),
                    response_ok=error is None and not dropped,
                    error_code=error.code if error else None,
                    description=description,
                )
            )
            self._changed()

    def _notify_listeners(self, events: Sequence[Event]) -> None:
        """Tell every listener what the call did to bot messages."""
        with self._cond:
            listeners = list(self._listeners)
        for kind, message in events:
            for listener in listeners:
                try:
                    listener(kind, message)
                except Exception:
                    _LOGGER.exception("emulator listener failed on %s", kind)
