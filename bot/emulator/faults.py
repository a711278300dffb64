"""Fault injection: error answers, dropped connections and users who block the bot."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

from bot.emulator.base import EmulatorBase
from bot.emulator.errors import ApiError
from bot.emulator.records import JsonDict
from bot.emulator.state import InjectedFault, NetworkFault, SlowFault, epoch

# the calls Telegram's overall flood limit counts: messages sent
FLOOD_COUNTED = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
PAID_PER_SECOND = 1000  # paid broadcasts, as the Bot API documents allow_paid_broadcast


class FaultInjection(EmulatorBase):
    """Queues faults for coming calls and takes them when those calls arrive."""

    def limit_sends(
        self, per_second: int | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Flood control as Telegram's: beyond ``per_second`` sends in any one second, 429.

        Every send (``sendMessage``, ``sendPhoto``, ``sendDocument``) that would be one more
        than ``per_second`` within the last second is refused with 429 and the seconds to wait
        (``retry_after``, at least 1); refused sends do not count. ``None`` lifts the limit.
        ``clock`` gives the seconds the window is measured in.
        """
        with self._cond:
            self._send_limit = per_second
            self._send_clock = clock
            self._recent_sends.clear()
            self._recent_paid.clear()

    def fail_next(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id``) with an error."""
        with self._cond:
            self._faults.append(
                InjectedFault(method, chat_id, error_code, description, retry_after, times)
            )

    def network_fail_next(
        self, method: str, times: int = 1, *, after_processing: bool = False
    ) -> None:
        """Drop the connection of the next ``times`` calls of ``method`` without answering.

        With ``after_processing`` the call takes effect first and only the answer is lost.
        """
        with self._cond:
            self._network_faults.append(NetworkFault(method, after_processing, times))

    def slow_down(self, method: str, seconds: float) -> None:
        """Every call of ``method`` waits ``seconds`` before it takes effect and is answered
        (0: at once again), as a slow network or a busy Telegram would."""
        with self._cond:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def slow_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds`` (the call
        then takes effect, as Telegram's do after the client has given up waiting)."""
        with self._cond:
            self._slow_faults.append(SlowFault(method, seconds, times))

    def clear_faults(self) -> None:
        """Forget every fault still queued."""
        with self._cond:
            self._faults.clear()
            self._network_faults.clear()
            self._slow_faults.clear()

    def block_user(self, user_id: int) -> JsonDict:
        """The user blocks the bot: sends to their chat fail with 403; returns the update."""
        return self._set_blocked(user_id, blocked=True)

    def unblock_user(self, user_id: int) -> JsonDict:
        """The user unblocks the bot; returns the my_chat_member update."""
        return self._set_blocked(user_id, blocked=False)

    def _set_blocked(self, user_id: int, *, blocked: bool) -> JsonDict:
        with self._cond:
            user = self._user(user_id)
            chat = self._chats[user_id]
            if blocked:
                self._blocked.add(user_id)
            else:
                self._blocked.discard(user_id)
            member = {"user": dict(self.bot_user), "status": "member"}
            kicked = {"user": dict(self.bot_user), "status": "kicked", "until_date": 0}
            payload = {
                "chat": dict(chat.data),
                "from": dict(user),
                "date": epoch(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            }
            return self._enqueue("my_chat_member", payload)

    def _take_network_fault(self, method: str) -> NetworkFault | None:
        """The network fault that drops this call of ``method``, if one is queued."""
        with self._cond:
            for fault in self._network_faults:
                if fault.method == method and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
        return None

    def _take_slowness(self, method: str) -> float:
        """How long this call of ``method`` waits before it is handled (``slow_next``, else
        ``slow_down``)."""
        with self._cond:
            for fault in self._slow_faults:
                if fault.method == method and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault.seconds
            return self._delays.get(method, 0.0)

    def _raise_injected_fault(self, method: str, params: Mapping[str, object]) -> None:
        """Raise the error ``fail_next`` queued for this call, if any."""
        with self._cond:
            for fault in self._faults:
                if fault.method != method or fault.remaining <= 0:
                    continue
                if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                    continue
                fault.remaining -= 1
                raise ApiError(fault.error_code, fault.description, fault.retry_after)

    def _flood_control(self, method: str, params: Mapping[str, object]) -> None:
        """Raise Telegram's 429 when this send would exceed the limit ``limit_sends`` set.

        Paid broadcasts (``allow_paid_broadcast``) count in a window of their own, of
        ``PAID_PER_SECOND``, as Telegram allows them.
        """
        if self._send_limit is None or method not in FLOOD_COUNTED:
            return
        paid = params.get("allow_paid_broadcast") is True  # decoded from the request
        limit = PAID_PER_SECOND if paid else self._send_limit
        with self._cond:
            now = self._send_clock()
            recent = self._recent_paid if paid else self._recent_sends
            while recent and now - recent[0] >= 1.0:
                recent.popleft()
            if len(recent) >= limit:
                wait = max(1, math.ceil(recent[0] + 1.0 - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
            recent.append(now)
