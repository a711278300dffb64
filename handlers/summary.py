"""/summary and the weekly summary."""

from __future__ import annotations

from bot.context import KBApplication
from bot.deliveries import Claimed
from bot.flow import FlowSpec


async def send_scheduled_summary(app: KBApplication, claimed: Claimed) -> int:
    """Send one person's weekly summary; returns the message id."""
    raise NotImplementedError


def build_flow() -> FlowSpec:
    """The summary command."""
    return FlowSpec(name="summary")
