"""Callback data for inline buttons: built and parsed here only.

Format: ``<flow>:<action>:<ref>:<value>[:<state>]``. ``flow`` and ``action`` come
from the tables below, ``ref`` is the id of the record the button belongs to (a
break, a check-in), ``value`` is a short token, and ``state`` the conversation state
the button was shown at (a step's buttons act only at that step; buttons sent
before states were stamped carry none). Anything else is rejected, so forged
or stale data can never reach a step handler as if it were real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MAX_BYTES = 64  # Telegram's limit for callback_data
MAX_REF = 2**31 - 1  # record ids are 32-bit columns: a larger ref cannot be a record of ours


class Prefix(StrEnum):
    """Prefixes: one per conversation flow or family of buttons."""

    ONBOARDING = "o"
    BREAK = "b"
    MOOD = "m"
    MENU = "h"
    CHECKIN = "c"
    SETTINGS = "s"
    SAFETY = "a"
    SAFETY_PLAN = "p"
    PRACTICES = "e"  # the /practices menu and the end of every practice
    CRITIC = "i"
    FRIEND = "f"
    KINDNESS = "k"
    SOOTHE = "z"
    GRATITUDE = "g"
    PHRASES = "r"
    LEARN = "l"
    PRIVACY = "v"
    EXPORT = "x"
    HISTORY = "y"


# what every practice's buttons may carry: starting it, the mood scale, pacing, saving a phrase
PRACTICE_ACTIONS = frozenset(
    {"start", "before", "after", "skip", "stop", "next", "keep", "nothanks", "pick", "yes", "no"}
)


# the actions each prefix may carry; parsing rejects any other
ACTIONS: dict[Prefix, frozenset[str]] = {
    # consent ("agree", "more", "notnow", "minor") comes before anything is stored
    Prefix.ONBOARDING: frozenset(
        {"tz", "tzother", "tzcity", "tzname", "agree", "more", "notnow", "minor"}
    ),
    Prefix.PRIVACY: frozenset({"erase", "sure", "keep"}),
    # the PDF report, with or without notes ("notes" / "plain")
    Prefix.EXPORT: frozenset({"report"}),
    # ref is an entry's id, value its kind (r, b, p, g) or the page's offset
    Prefix.HISTORY: frozenset({"page", "open", "fix", "set", "del", "sure", "keep", "done"}),
    Prefix.BREAK: frozenset(
        {"start", "before", "after", "next", "skip", "stop", "ground", "nothanks", "done", "keep"}
    ),
    Prefix.MOOD: frozenset({"start", "rate", "skip", "tag", "done"}),
    Prefix.MENU: frozenset({"urgent", "help"}),
    # the answers to "are you safe right now?"; ref is the screen hit
    Prefix.SAFETY: frozenset({"danger", "struggle", "okay", "back"}),
    Prefix.SAFETY_PLAN: frozenset({"start", "skip", "stop", "edit", "part", "done"}),
    Prefix.PRACTICES: frozenset({"menu", "done"}),
    Prefix.CRITIC: PRACTICE_ACTIONS,
    Prefix.FRIEND: PRACTICE_ACTIONS,
    Prefix.KINDNESS: PRACTICE_ACTIONS,
    Prefix.SOOTHE: PRACTICE_ACTIONS,
    Prefix.GRATITUDE: PRACTICE_ACTIONS,
    Prefix.PHRASES: frozenset({"start", "add", "remove", "drop", "skip", "done"}),
    Prefix.LEARN: frozenset({"next", "done"}),
    Prefix.CHECKIN: frozenset({"rate", "tag", "done", "snooze", "notnow", "break", "skip"}),
    Prefix.SETTINGS: frozenset(
        {
            "on",
            "off",
            "time",
            "days",
            "quiet",
            "pause",
            "resume",
            "clear",
            "sum",
            "back",
            "done",
            "menu",
        }
    ),
}

_PATTERN = re.compile(
    r"^(?P<flow>[a-z]):(?P<action>[a-z]{1,12}):(?P<ref>0|[1-9][0-9]{0,17}):(?P<value>[A-Za-z0-9_./-]{0,32})"
    r"(?::(?P<state>[a-z_]{1,32}))?$"
)


@dataclass(frozen=True)
class Callback:
    """One parsed button press."""

    flow: Prefix
    action: str
    ref: int = 0
    value: str = ""
    state: str = ""

    def encode(self) -> str:
        """The callback_data string for this button."""
        data = f"{self.flow.value}:{self.action}:{self.ref}:{self.value}"
        if self.state:
            data += f":{self.state}"
        if self.action not in ACTIONS[self.flow] or parse(data) != self:
            raise ValueError(f"cannot encode callback {self!r}")
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
        return data

    def int_value(self, low: int, high: int) -> int | None:
        """The value as an integer within [low, high], or None."""
        if not self.value.isdigit() or len(self.value) > 3:
            return None
        number = int(self.value)
        return number if low <= number <= high else None


def parse(data: str | None) -> Callback | None:
    """The callback for ``data``, or None if this bot could not have produced it."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    match = _PATTERN.fullmatch(data)
    if match is None:
        return None
    try:
        flow = Prefix(match["flow"])
    except ValueError:
        return None
    if match["action"] not in ACTIONS[flow] or int(match["ref"]) > MAX_REF:
        return None
    return Callback(flow, match["action"], int(match["ref"]), match["value"], match["state"] or "")


def pattern(flow: Prefix) -> str:
    """A regex matching callback data of one prefix (for handler registration)."""
    return rf"^{flow.value}:"
