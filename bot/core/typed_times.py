"""Reading times people type: "8:30", "9pm", "noon", "8:30, 21:00", "22:00-07:00"."""

from __future__ import annotations

import re
from datetime import time

_MAX_TIME_TEXT = 20


MAX_TYPED = 200  # characters; longer typed settings are not read as times


_TIME_SEPARATORS = re.compile(r"[,;&/\s]+|\band\b")


_HALF_DAY = re.compile(r"[ap]\.?m\.?")


_RANGE = re.compile(
    r"(?:from\s+)?(?P<start>.+?)\s*(?:-|–|—|\bto\b|\buntil\b|\btill\b)\s*(?P<end>.+)", re.DOTALL
)


_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


_TIME_RE = re.compile(
    r"(?P<hour>[0-9]{1,2})"
    r"(?:\s*(?:[:.]|h)\s*(?P<minute>[0-9]{2}))?"
    r"\s*(?:h|(?P<half>[ap])\.?\s*m\.?)?",
    re.ASCII,
)


_COMPACT_RE = re.compile(r"(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})", re.ASCII)


def parse_time_of_day(text: str) -> time | None:
    """A time of day from text like "8:30", "21h", "9.30", "9pm", "0930" or "noon"; else None.

    Accepted: ``H``/``HH`` with optional ``:MM``, ``.MM`` or ``hMM`` (24-hour, 0-23);
    the same with ``am``/``pm`` (also ``a.m.``, hour 1-12); ``21h``; exactly four
    digits ``HHMM`` (24-hour); ``noon``/``midday``/``midnight``. A bare number is an
    hour on the 24-hour clock ("9" is 09:00). "24:00" and three-digit forms are not
    accepted.
    """
    if len(text) > _MAX_TIME_TEXT:
        return None
    cleaned = text.strip().lower().rstrip(".,;!?").strip()
    if cleaned in _NAMED_TIMES:
        return _NAMED_TIMES[cleaned]
    compact = _COMPACT_RE.fullmatch(cleaned)
    if compact is not None:
        return _make_time(int(compact["hour"]), int(compact["minute"]))
    match = _TIME_RE.fullmatch(cleaned)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"]) if match["minute"] is not None else 0
    half = match["half"]
    if half is None:
        return _make_time(hour, minute)
    if not 1 <= hour <= 12:
        return None
    hour %= 12
    if half == "p":
        hour += 12
    return _make_time(hour, minute)


def _make_time(hour: int, minute: int) -> time | None:
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return time(hour, minute)
    return None


def parse_times(text: str) -> list[time] | None:
    """Times of day from text like "8:30, 21:00" or "9 am and 2pm", in order; None if any is unreadable."""
    if len(text) > MAX_TYPED:
        return None
    merged: list[str] = []
    for token in _TIME_SEPARATORS.split(text.strip().lower()):
        if not token:
            continue
        if merged and _HALF_DAY.fullmatch(token):  # "9 pm": the am/pm belongs to the number
            merged[-1] += token
        else:
            merged.append(token)
    found: list[time] = []
    for token in merged:
        at = parse_time_of_day(token)
        if at is None:
            return None
        if at not in found:
            found.append(at)
    return found or None


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """A quiet window from text like "22:00-07:00" or "10pm to 7am"; None if unreadable or empty."""
    if len(text) > MAX_TYPED:
        return None
    match = _RANGE.fullmatch(text.strip().lower())
    if match is None:
        return None
    start, end = parse_time_of_day(match["start"]), parse_time_of_day(match["end"])
    if start is None or end is None or start == end:
        return None
    return start, end
