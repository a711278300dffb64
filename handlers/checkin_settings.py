"""/checkins, /pause and /resume: when the bot checks in."""

from __future__ import annotations

from bot.flow import FlowSpec


def build_flow() -> FlowSpec:
    """The check-in settings conversation."""
    return FlowSpec(name="checkin_settings")
