"""The 30-day report as a PDF, to bring to a therapist: the chart, the figures, notes if chosen.

Composed here from plain values; drawn by ``bot.ui.report_drawing`` (matplotlib's PDF
backend), imported only when the first report is drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.core.records import BreakEntry, RatingEntry
from bot.core.stats import PeriodSummary, local_date
from bot.ui.summary import tag_label
from bot.ui.summary_text import date_label, number
from bot.ui.texts import t

A4 = (8.27, 11.69)  # inches, portrait
WRAP = 88  # characters per line of body text
LINES_PER_PAGE = 52
INK = "#1A1A1A"
MUTED = "#5C5C5C"


@dataclass(frozen=True)
class Report:
    """What the report shows: its title, the figures, the chart and (if chosen) notes."""

    title: str
    subtitle: str
    figures: tuple[str, ...]
    chart_png: bytes | None
    notes_heading: str | None = None
    notes: tuple[str, ...] = ()
    footer: str = ""


def report_figures(summary: PeriodSummary, language: str | None) -> tuple[str, ...]:
    """The report's figures as short lines: ratings, average, range, change, breaks, feelings."""
    lang = language
    if summary.count == 0:
        return (t("report.no_ratings", lang),)
    lines = [
        t("report.ratings", lang, count=summary.count, days=summary.days_with_ratings),
        t("report.average", lang, mean=number(summary.mean or 0.0, lang)),
        t("report.range", lang, low=summary.min, high=summary.max),
    ]
    if summary.change_from_previous is not None:
        change = summary.change_from_previous
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        lines.append(t("report.change", lang, change=f"{sign}{number(abs(change), lang)}"))
    lines.append(
        t("report.breaks", lang, taken=summary.breaks_taken, completed=summary.breaks_completed)
    )
    if summary.average_break_change is not None:
        change = summary.average_break_change
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        lines.append(t("report.break_effect", lang, change=f"{sign}{number(abs(change), lang)}"))
    if summary.top_tags:
        tags = ", ".join(f"{tag_label(tag, lang)} ({count})" for tag, count in summary.top_tags)
        lines.append(t("report.feelings", lang, tags=tags))
    return tuple(lines)


def report_subtitle(summary: PeriodSummary, language: str | None) -> str:
    """The period covered, e.g. "Sat 26 Sep – Sun 25 Oct"."""
    return t(
        "report.period",
        language,
        start=date_label(summary.start, language),
        end=date_label(summary.end, language),
    )


def note_lines(
    summary: PeriodSummary,
    ratings: Sequence[RatingEntry],
    breaks: Sequence[BreakEntry],
    zone: ZoneInfo,
    language: str | None,
) -> tuple[str, ...]:
    """The notes of the period, oldest first: those of ratings and what weighed in breaks."""
    in_period = [
        (
            r.at,
            t("report.note", language, at=_when(r.at, zone, language), value=r.value, note=r.note),
        )
        for r in ratings
        if r.note and summary.start <= local_date(r.at, zone.key) <= summary.end
    ]
    unrated = t("report.unrated", language)
    in_period += [
        (
            b.started_at,
            t(
                "report.break_note",
                language,
                at=_when(b.started_at, zone, language),
                before=unrated if b.mood_before is None else b.mood_before,
                after=unrated if b.mood_after is None else b.mood_after,
                note=b.difficulty,
            ),
        )
        for b in breaks
        if b.difficulty and summary.start <= local_date(b.started_at, zone.key) <= summary.end
    ]
    return tuple(line for _at, line in sorted(in_period, key=lambda pair: pair[0]))


def _when(at: dt.datetime, zone: ZoneInfo, language: str | None) -> str:
    local = at.astimezone(zone)
    return f"{date_label(local.date(), language)} {local:%H:%M}"


def compose_report(
    summary: PeriodSummary,
    *,
    chart_png: bytes | None,
    notes: Sequence[str] = (),
    language: str | None = None,
) -> Report:
    """The report's content; ``notes`` only when the person chose to include them."""
    return Report(
        title=t("report.title", language),
        subtitle=report_subtitle(summary, language),
        figures=report_figures(summary, language),
        chart_png=chart_png,
        notes_heading=t("report.notes_heading", language) if notes else None,
        notes=tuple(notes),
        footer=t("report.footer", language),
    )


def render_report(report: Report) -> bytes:
    """The report as PDF bytes (blocking: runs in a worker process or thread)."""
    # matplotlib is imported when the first report is drawn, not at start-up
    from bot.ui.report_drawing import draw_report

    return draw_report(report)
