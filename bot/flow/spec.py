"""What a flow declares: its states, the steps that handle them, and how it ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.crisis_screen import Screen
from bot.flow.exchange import Exchange
from bot.storage.models import Conversation
from bot.ui import callbacks


class ConversationMoved(Exception):
    """The stored conversation changed while this update was being handled."""


StepFn = Callable[[Exchange], Awaitable[str]]
ExpireFn = Callable[[AsyncSession, Conversation, datetime], Awaitable[None]]
ResendFn = Callable[[Exchange, str], Awaitable[None]]
# what to do when the screen sees danger: the turn, what it saw, the words to hold for the step
DangerFn = Callable[[Exchange, Screen, str | None], Awaitable[None]]
# danger seen before consent: answered, nothing stored
UnstoredDangerFn = Callable[[Exchange, Screen], Awaitable[None]]


async def _nothing_to_clean(_s: AsyncSession, _c: Conversation, _n: datetime) -> None:
    return None


@dataclass(frozen=True)
class Step:
    """What one state accepts: buttons of its flow by action, a text, or a reminder."""

    buttons: Mapping[str, StepFn] = field(default_factory=dict)
    on_text: StepFn | None = None
    reminder: str = "flow.use_buttons"


@dataclass(frozen=True)
class FlowSpec:
    """A conversation flow: its entry points, its states and how it ends."""

    name: str
    prefix: callbacks.Prefix | None = None
    commands: Mapping[str, StepFn] = field(default_factory=dict)
    buttons: Mapping[str, StepFn] = field(default_factory=dict)
    steps: Mapping[str, Step] = field(default_factory=dict)
    on_cancel: StepFn | None = None
    on_expire: ExpireFn = _nothing_to_clean
    timeout: timedelta | None = None
    resend: ResendFn | None = None  # shows a state's question again, with its buttons
    # the table whose row ``ref`` names (with ``id`` and ``user_id``): read with the
    # conversation, in the same query, so its steps find it without another round trip
    record: type[SQLModel] | None = None
    keeps_pause: bool = False  # its commands leave a paused flow paused (help and safety)
    # commands and free buttons a person may use before agreeing to what is stored;
    # they get a person who is not stored (``user.id`` is None) unless they agreed before
    open_before_consent: frozenset[str] = frozenset()
