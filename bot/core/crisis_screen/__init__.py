"""Screening free text for signs that someone is in danger (pure, deterministic, no I/O).

Text is normalised first (Unicode look-alikes, leetspeak, stretched letters, missing spaces
and apostrophes, misspelt key words), then matched against one data file per category in
``lexicon/``. A denial governs only the words it precedes, and speaker context (work with
clients, news, fiction, grief, recovery) excuses bare mentions but never an urgent message.
"""

from bot.core.crisis_screen.result import Level, Screen
from bot.core.crisis_screen.rules import screen_text, warm

__all__ = ["Level", "Screen", "screen_text", "warm"]
