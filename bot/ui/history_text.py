"""How /history shows entries: one line each in the list, and in full when opened."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.records import BreakEntry, NoteEntry, PracticeEntry, RatingEntry
from bot.ui.summary import tag_label
from bot.ui.summary_text import date_label
from bot.ui.texts import t

Entry = RatingEntry | BreakEntry | PracticeEntry | NoteEntry
SHORT = 60  # characters of a note in the list


def when(at: dt.datetime, zone: ZoneInfo, language: str | None) -> str:
    """A local date and time such as "Mon 19 Oct, 14:05"."""
    local = at.astimezone(zone)
    return t(
        "history.when", language, date=date_label(local.date(), language), time=f"{local:%H:%M}"
    )


def _cut(text: str, limit: int = SHORT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _mood(value: int | None, language: str | None) -> str:
    return t("history.unrated", language) if value is None else str(value)


def entry_at(entry: Entry) -> dt.datetime:
    """The instant that dates an entry."""
    return entry.started_at if isinstance(entry, BreakEntry | PracticeEntry) else entry.at


def entry_line(entry: Entry, zone: ZoneInfo, language: str | None) -> str:
    """The entry in one short line."""
    lang, at = language, when(entry_at(entry), zone, language)
    if isinstance(entry, RatingEntry):
        tags = ", ".join(tag_label(tag, lang) for tag in entry.tags)
        extra = " · ".join(part for part in (tags, _cut(entry.note) if entry.note else "") if part)
        return t(
            "history.line.rating",
            lang,
            at=at,
            value=entry.value,
            extra=f" · {extra}" if extra else "",
        )
    if isinstance(entry, BreakEntry):
        return t(
            "history.line.break",
            lang,
            at=at,
            before=_mood(entry.mood_before, lang),
            after=_mood(entry.mood_after, lang),
        )
    if isinstance(entry, PracticeEntry):
        return t("history.line.practice", lang, at=at, name=practice_name(entry.kind, lang))
    return t("history.line.gratitude", lang, at=at, text=_cut(entry.text))


def practice_name(kind: str, language: str | None) -> str:
    """The shown name of a practice."""
    return t(f"practices.button.{kind}", language)


def entry_detail(entry: Entry, zone: ZoneInfo, language: str | None) -> str:
    """The entry in full, with everything written in it."""
    lines = [entry_line(entry, zone, language)]
    if isinstance(entry, RatingEntry) and entry.note:
        lines.append(t("history.detail.note", language, text=entry.note))
    elif isinstance(entry, BreakEntry):
        if entry.difficulty:
            lines.append(t("history.detail.weighed", language, text=entry.difficulty))
        if entry.need:
            lines.append(t("history.detail.needed", language, text=entry.need))
    elif isinstance(entry, PracticeEntry):
        if entry.mood_before is not None or entry.mood_after is not None:
            before, after = _mood(entry.mood_before, language), _mood(entry.mood_after, language)
            lines.append(t("history.detail.moods", language, before=before, after=after))
        lines += [t("history.detail.note", language, text=answer.text) for answer in entry.answers]
    elif isinstance(entry, NoteEntry):
        lines.append(t("history.detail.note", language, text=entry.text))
    return "\n\n".join(lines)


def page_text(lines: list[str], *, first: bool, language: str | None) -> str:
    """The list: a heading, then the numbered entries."""
    if not lines:
        return t("history.empty" if first else "history.no_older", language)
    heading = t("history.heading" if first else "history.heading_older", language)
    numbered = "\n\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=1))
    return f"{heading}\n\n{numbered}\n\n{t('history.pick', language)}"
