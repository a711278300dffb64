"""The crisis screen's stable entry point: ``bot.crisis.screen_text`` (see ``bot.core.crisis_screen``)."""

from bot.core.crisis_screen import Level, Screen, screen_text

__all__ = ["Level", "Screen", "screen_text"]
