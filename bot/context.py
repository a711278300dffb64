"""Shared resources, created in ``post_init`` and reached through a typed context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.clock import Clock
from bot.config import Settings
from bot.storage.db import SessionFactory
from bot.storage.sending_turn import SendingTurn
from bot.workers import ProcessPool

SERVICES_KEY = "services"


@dataclass
class Services:
    """What handlers and jobs share: settings, the database, the clock and the chart pool."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    clock: Clock
    instance: str
    sending_turn: SendingTurn  # whether this instance sends scheduled deliveries now
    charts: ProcessPool  # draws summary charts


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context of every handler and job, with typed ``services``."""

    @property
    def services(self) -> Services:
        """The shared resources of this application."""
        return cast(Services, self.bot_data[SERVICES_KEY])


KBApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[BotContext]
]
