"""One person's entries as plain values: what their export holds and their history shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RatingEntry:
    """A mood rating with its note and feeling tags."""

    id: int
    at: dt.datetime
    value: int
    kind: str
    note: str | None = None
    tags: tuple[str, ...] = ()
    break_id: int | None = None


@dataclass(frozen=True)
class BreakEntry:
    """A self-compassion break and what was written in it."""

    id: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    status: str
    mood_before: int | None
    mood_after: int | None
    difficulty: str | None = None
    need: str | None = None


@dataclass(frozen=True)
class AnswerEntry:
    """Words written at one step of a practice."""

    step: str
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class PracticeEntry:
    """A practice (inner critic, kindness, soothing, ...) with its answers."""

    id: int
    kind: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    choice: str | None = None
    mood_before: int | None = None
    mood_after: int | None = None
    answers: tuple[AnswerEntry, ...] = ()


@dataclass(frozen=True)
class NoteEntry:
    """A gratitude note or a kept phrase: words at an instant (``source``: where from)."""

    id: int
    at: dt.datetime
    text: str
    source: str = ""


@dataclass(frozen=True)
class CheckinSettings:
    """When the bot checks in (local times of day in the person's zone)."""

    enabled: bool
    weekdays: tuple[int, ...]  # 0 = Monday
    times: tuple[dt.time, ...]
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    paused: bool
    paused_until: dt.datetime | None
    summary_enabled: bool
    summary_weekday: int
    summary_time: dt.time


@dataclass(frozen=True)
class PersonData:
    """Everything kept about one person, decrypted, for their own export."""

    first_name: str
    language: str | None
    time_zone: str | None
    created_at: dt.datetime
    consented_at: dt.datetime | None
    ratings: tuple[RatingEntry, ...] = ()
    breaks: tuple[BreakEntry, ...] = ()
    practices: tuple[PracticeEntry, ...] = ()
    gratitude: tuple[NoteEntry, ...] = ()
    phrases: tuple[NoteEntry, ...] = ()
    safety_plan: tuple[tuple[str, str], ...] = ()  # (part, words), in the plan's order
    safety_plan_updated_at: dt.datetime | None = None
    checkins: CheckinSettings | None = None
    hit_levels: Mapping[str, int] = field(default_factory=dict)
    hit_categories: Mapping[str, int] = field(default_factory=dict)
