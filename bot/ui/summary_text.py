"""The summary message: a few warm, plain paragraphs built from catalogue texts.

Numbers are shown with one decimal (``summary.decimal_point`` as separator);
changes are shown as positive amounts and the wording carries the direction.
A period of exactly seven days is "this week"; any other length is "the last
N days".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.stats import PeriodSummary
from bot.ui.calendar import month, weekday
from bot.ui.texts import t

CAPTION_LIMIT = 1024
"""Telegram's limit for a photo caption, counted in UTF-16 code units."""
WEEK_DAYS = 7

_PARAGRAPH = "\n\n"


def number(value: float, language: str | None = None) -> str:
    """A figure with one decimal, using the language's decimal point."""
    return f"{value:.1f}".replace(".", t("summary.decimal_point", language))


def day_label(day: dt.date, language: str | None = None) -> str:
    """A short local date label such as "Mon 23"."""
    name = weekday(day.weekday(), language, form="weekday_short")
    return t("summary.chart.day_label", language, weekday=name, day=day.day)


def date_label(day: dt.date, language: str | None = None) -> str:
    """A date label with its month, such as "Mon 19 Oct"."""
    return t(
        "summary.title.date",
        language,
        weekday=weekday(day.weekday(), language, form="weekday_short"),
        day=day.day,
        month=month(day.month, language, short=True),
    )


def compose_summary(
    summary: PeriodSummary,
    *,
    language: str | None = None,
    variant: int = 0,
    tag_label: Callable[[str], str] | None = None,
    phrase: str | None = None,
) -> str:
    """The summary message for ``summary``; ``variant`` picks among alternative wordings.

    ``phrase``, one of the person's own kind phrases, comes just before the closing words.
    """
    lang = language
    days = summary.period_days
    is_week = days == WEEK_DAYS
    period = (
        t("summary.period.week", lang) if is_week else t("summary.period.days", lang, days=days)
    )
    closing = t("summary.closing", lang, variant=variant)
    if phrase:
        closing = t("summary.own_phrase", lang, phrase=phrase) + _PARAGRAPH + closing
    title = _title(summary, is_week, lang)
    if summary.is_sparse:
        return _PARAGRAPH.join([title, _sparse(summary, period, lang, variant), closing])

    paragraphs = [title]
    overview = [_overview(summary, period, lang)]
    if summary.change_from_previous is not None:
        overview.append(_change(summary.change_from_previous, is_week, days, lang))
    paragraphs.append(" ".join(overview))

    breaks = " ".join(part for part in (_breaks(summary, lang), _practices(summary, lang)) if part)
    if breaks:
        paragraphs.append(breaks)

    patterns = _patterns(summary, is_week, lang)
    if summary.top_tags:
        label = tag_label or (lambda tag: tag)
        tags = t("summary.list_separator", lang).join(label(tag) for tag, _ in summary.top_tags)
        patterns.append(t("summary.feelings.top", lang, tags=tags))
    if patterns:
        paragraphs.append(" ".join(patterns))

    paragraphs.append(_consistency(summary, period, lang))
    if summary.is_hard_week:
        paragraphs.append(t("summary.hard_week.note", lang))
    paragraphs.append(closing)
    return _PARAGRAPH.join(paragraphs)


def _title(summary: PeriodSummary, is_week: bool, lang: str | None) -> str:
    return t(
        "summary.title.week" if is_week else "summary.title.days",
        lang,
        days=summary.period_days,
        start=date_label(summary.start, lang),
        end=date_label(summary.end, lang),
        sep=t("summary.range_separator", lang),
    )


def _consistency(summary: PeriodSummary, period: str, lang: str | None) -> str:
    """On how many days they checked in: what they did, never what they didn't."""
    if summary.days_with_ratings == summary.period_days:
        return t("summary.consistency.every_day", lang, period=period)
    if summary.days_with_ratings == 1:
        return t("summary.consistency.once", lang, period=period)
    rated = summary.days_with_ratings
    return t("summary.consistency.some", lang, rated=rated, period=period)


def split_caption(text: str, limit: int = CAPTION_LIMIT) -> tuple[str, str | None]:
    """Split ``text`` so the first part fits a photo caption; the rest (or ``None``) follows."""
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    if _utf16_len(text) <= limit:
        return text, None
    fits = _fitting_prefix(text, limit)
    cut = fits
    for boundary in (_PARAGRAPH, "\n", " "):
        found = text.rfind(boundary, 0, fits + len(boundary))
        if found > 0 and text[:found].strip():
            cut = found
            break
    first, rest = text[:cut].rstrip(), text[cut:].strip()
    return first, rest or None


def _sparse(summary: PeriodSummary, period: str, lang: str | None, variant: int) -> str:
    values = [
        value
        for day in summary.days
        if day.count
        for value in _day_values(day.min, day.max, day.count)
    ]
    if summary.count == 0:
        text = t("summary.sparse.none", lang, variant=variant, period=period)
    elif summary.count == 1:
        text = t("summary.sparse.one", lang, period=period, value=values[0])
    else:
        text = t("summary.sparse.two", lang, period=period, first=values[0], second=values[1])
    if summary.breaks_taken:
        text = " ".join([text, _breaks_taken(summary.breaks_taken, lang)])
    if summary.practices_taken:
        text = " ".join([text, _practices_taken(summary.practices_taken, lang)])
    return text


def _day_values(low: int | None, high: int | None, count: int) -> list[int]:
    """The values of a day with at most two ratings (recoverable from its min and max)."""
    if low is None or high is None:
        return []
    return [low] if count == 1 else [low, high]


def _overview(summary: PeriodSummary, period: str, lang: str | None) -> str:
    if summary.min == summary.max:
        return t(
            "summary.stats.all_same", lang, count=summary.count, period=period, value=summary.min
        )
    return t(
        "summary.stats.overview",
        lang,
        count=summary.count,
        period=period,
        mean=number(summary.mean or 0.0, lang),
        min=summary.min,
        max=summary.max,
    )


def _change(change: float, is_week: bool, days: int, lang: str | None) -> str:
    previous = (
        t("summary.previous.week", lang) if is_week else t("summary.previous.days", lang, days=days)
    )
    if change > 0:
        return t("summary.change.up", lang, change=number(change, lang), previous=previous)
    if change < 0:
        return t("summary.change.down", lang, change=number(-change, lang), previous=previous)
    return t("summary.change.same", lang, previous=previous)


def _breaks_taken(count: int, lang: str | None) -> str:
    if count == 1:
        return t("summary.breaks.taken_one", lang)
    return t("summary.breaks.taken_many", lang, count=count)


def _breaks(summary: PeriodSummary, lang: str | None) -> str | None:
    if summary.breaks_taken == 0:
        return None if summary.is_hard_week else t("summary.breaks.none", lang)
    parts = [_breaks_taken(summary.breaks_taken, lang)]
    change = summary.average_break_change
    if change is not None:
        if change > 0:
            parts.append(t("summary.breaks.rose", lang, change=number(change, lang)))
        elif change == 0:
            parts.append(t("summary.breaks.steady", lang))
        else:
            parts.append(t("summary.breaks.lower", lang))
    return " ".join(parts)


def _practices_taken(count: int, lang: str | None) -> str:
    if count == 1:
        return t("summary.practices.taken_one", lang)
    return t("summary.practices.taken_many", lang, count=count)


def _practices(summary: PeriodSummary, lang: str | None) -> str | None:
    """How many practices beyond the break, and how the mood moved around them."""
    if summary.practices_taken == 0:
        return None
    parts = [_practices_taken(summary.practices_taken, lang)]
    change = summary.average_practice_change
    if change is not None:
        if change > 0:
            parts.append(t("summary.practices.rose", lang, change=number(change, lang)))
        elif change == 0:
            parts.append(t("summary.practices.steady", lang))
        else:
            parts.append(t("summary.practices.lower", lang))
    return " ".join(parts)


def _patterns(summary: PeriodSummary, is_week: bool, lang: str | None) -> list[str]:
    sentences = []
    if summary.hardest_time_of_day is not None and summary.easiest_time_of_day is not None:
        sentences.append(
            t(
                "summary.patterns.time_of_day",
                lang,
                hardest=t(f"summary.time_of_day.{summary.hardest_time_of_day}", lang),
                easiest=t(f"summary.time_of_day.{summary.easiest_time_of_day}", lang),
            )
        )
    if summary.hardest_weekday is not None and summary.easiest_weekday is not None:
        form = "weekday" if is_week else "weekdays"
        sentences.append(
            t(
                "summary.patterns.weekday_week" if is_week else "summary.patterns.weekday_days",
                lang,
                hardest=weekday(summary.hardest_weekday, lang, form=form),
                easiest=weekday(summary.easiest_weekday, lang, form=form),
            )
        )
    return sentences


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """The longest prefix length (in code points) whose UTF-16 length is within ``limit``."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)
