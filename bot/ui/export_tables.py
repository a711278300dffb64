"""One person's data as tables: one per kind, with a header row and UTC and local times.

Pure: plain data in (``bot.core.records``), rows of strings out. Column names are a
stable format (like JSON keys), so they are not translated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.core.records import CheckinSettings, PersonData

Cell = str | int | None


@dataclass(frozen=True)
class Table:
    """One CSV file: its kind (``ratings``: the file ``ratings.csv``), header and rows."""

    kind: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def file_name(self) -> str:
        """The file's name in the archive."""
        return f"{self.kind}.csv"


def utc_text(at: dt.datetime | None) -> str:
    """An instant in UTC, ISO 8601 with a Z (empty for none)."""
    if at is None:
        return ""
    return at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def local_text(at: dt.datetime | None, zone: ZoneInfo) -> str:
    """An instant as local wall time in ``zone`` with its offset (empty for none)."""
    return "" if at is None else at.astimezone(zone).isoformat(timespec="seconds")


def _times(name: str) -> tuple[str, str]:
    return f"{name}_utc", f"{name}_local"


def _change(before: int | None, after: int | None) -> int | None:
    return after - before if before is not None and after is not None else None


def build_tables(data: PersonData, zone: ZoneInfo) -> list[Table]:
    """Every table of the export, in the order the README lists them."""
    return [builder(data, zone) for builder in _BUILDERS]


def _ratings(data: PersonData, zone: ZoneInfo) -> Table:
    return Table(
        "ratings",
        ("id", *_times("rated_at"), "value", "kind", "feelings", "note", "break_id"),
        tuple(
            (
                r.id,
                utc_text(r.at),
                local_text(r.at, zone),
                r.value,
                r.kind,
                ";".join(r.tags),
                r.note or "",
                r.break_id,
            )
            for r in data.ratings
        ),
    )


def _breaks(data: PersonData, zone: ZoneInfo) -> Table:
    return Table(
        "breaks",
        (
            "id",
            *_times("started_at"),
            *_times("ended_at"),
            "status",
            "mood_before",
            "mood_after",
            "change",
            "what_weighed_on_me",
            "what_i_needed_to_hear",
        ),
        tuple(
            (
                b.id,
                utc_text(b.started_at),
                local_text(b.started_at, zone),
                utc_text(b.ended_at),
                local_text(b.ended_at, zone),
                b.status,
                b.mood_before,
                b.mood_after,
                _change(b.mood_before, b.mood_after),
                b.difficulty or "",
                b.need or "",
            )
            for b in data.breaks
        ),
    )


def _practices(data: PersonData, zone: ZoneInfo) -> Table:
    return Table(
        "practices",
        (
            "id",
            "practice",
            *_times("started_at"),
            *_times("finished_at"),
            "status",
            "choice",
            "mood_before",
            "mood_after",
        ),
        tuple(
            (
                p.id,
                p.kind,
                utc_text(p.started_at),
                local_text(p.started_at, zone),
                utc_text(p.finished_at),
                local_text(p.finished_at, zone),
                p.status,
                p.choice or "",
                p.mood_before,
                p.mood_after,
            )
            for p in data.practices
        ),
    )


def _answers(data: PersonData, zone: ZoneInfo) -> Table:
    return Table(
        "practice_answers",
        ("practice_id", "practice", "step", *_times("written_at"), "text"),
        tuple(
            (p.id, p.kind, a.step, utc_text(a.at), local_text(a.at, zone), a.text)
            for p in data.practices
            for a in p.answers
        ),
    )


def _gratitude(data: PersonData, zone: ZoneInfo) -> Table:
    return Table(
        "gratitude",
        ("id", *_times("written_at"), "text"),
        tuple((g.id, utc_text(g.at), local_text(g.at, zone), g.text) for g in data.gratitude),
    )


def _phrases(data: PersonData, zone: ZoneInfo) -> Table:
    return Table(
        "phrases",
        ("id", *_times("kept_at"), "source", "text"),
        tuple(
            (p.id, utc_text(p.at), local_text(p.at, zone), p.source, p.text) for p in data.phrases
        ),
    )


def _safety_plan(data: PersonData, zone: ZoneInfo) -> Table:
    at = data.safety_plan_updated_at
    return Table(
        "safety_plan",
        ("part", "text", *_times("updated_at")),
        tuple((part, text, utc_text(at), local_text(at, zone)) for part, text in data.safety_plan),
    )


def checkin_rows(settings: CheckinSettings | None, zone: ZoneInfo) -> tuple[tuple[Cell, ...], ...]:
    """The check-in settings as (setting, value) rows; times of day are local."""
    if settings is None:
        return (("enabled", "no"),)

    def clock(at: dt.time | None) -> str:
        return "" if at is None else at.strftime("%H:%M")

    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return (
        ("enabled", "yes" if settings.enabled else "no"),
        ("times_local", " ".join(clock(at) for at in settings.times)),
        ("days", " ".join(days[d] for d in settings.weekdays)),
        ("quiet_from_local", clock(settings.quiet_start)),
        ("quiet_until_local", clock(settings.quiet_end)),
        ("paused", "yes" if settings.paused else "no"),
        ("paused_until_utc", utc_text(settings.paused_until)),
        ("paused_until_local", local_text(settings.paused_until, zone)),
        ("weekly_summary", "yes" if settings.summary_enabled else "no"),
        ("summary_day", days[settings.summary_weekday]),
        ("summary_time_local", clock(settings.summary_time)),
        ("time_zone", zone.key),
    )


def _checkins(data: PersonData, zone: ZoneInfo) -> Table:
    return Table("checkin_settings", ("setting", "value"), checkin_rows(data.checkins, zone))


def _screen_hits(data: PersonData, _zone: ZoneInfo) -> Table:
    rows: list[tuple[Cell, ...]] = [("level", k, n) for k, n in sorted(data.hit_levels.items())]
    rows += [("category", k, n) for k, n in sorted(data.hit_categories.items())]
    return Table("screen_hits", ("counted_by", "name", "count"), tuple(rows))


_BUILDERS: Sequence[Callable[[PersonData, ZoneInfo], Table]] = (
    _ratings,
    _breaks,
    _practices,
    _answers,
    _gratitude,
    _phrases,
    _safety_plan,
    _checkins,
    _screen_hits,
)
