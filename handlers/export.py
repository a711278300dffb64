"""/export: everything kept about the person as a ZIP, then, if they like, a 30-day PDF report."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from bot.core.timezones import UTC_ZONE
from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.storage.export_data import load_breaks, load_person_data, load_ratings
from bot.storage.periods import MONTH, WEEK, load_period
from bot.ui import privacy_keyboards
from bot.ui.callbacks import Prefix
from bot.ui.export_archive import build_archive
from bot.ui.report_pdf import compose_report, note_lines, render_report
from bot.ui.summary import PreparedSummary, build_summary

log = logging.getLogger(__name__)


def _zone(exchange: Exchange) -> ZoneInfo:
    return ZoneInfo(exchange.user.time_zone or UTC_ZONE)


async def _summary(exchange: Exchange, days: int) -> PreparedSummary:
    zone = exchange.user.time_zone or UTC_ZONE
    records = await load_period(
        exchange.session, user_id=exchange.user_id, zone=zone, period_end=exchange.now, days=days
    )
    return build_summary(
        records, zone=zone, period_end=exchange.now, days=days, language=exchange.language
    )


async def export(exchange: Exchange) -> str:
    """/export: the ZIP of everything, then the offer of a report."""
    if exchange.user.id is None:
        await exchange.say(exchange.t("export.nothing"))
        return UNCHANGED
    data = await load_person_data(exchange.session, user=exchange.user)
    week, month = await _summary(exchange, WEEK), await _summary(exchange, MONTH)
    zone, made_at, language = _zone(exchange), exchange.now, exchange.language
    pool = exchange.context.services.charts
    charts = [
        ("chart_7_days.png", week, exchange.t("export.chart_week")),
        ("chart_30_days.png", month, exchange.t("export.chart_month")),
    ]

    async def make() -> bytes:
        drawn = {
            name: (await prepared.render(pool), caption)
            for name, prepared, caption in charts
            if prepared.chart is not None
        }
        archive = await asyncio.to_thread(
            build_archive, data, zone=zone, made_at=made_at, charts=drawn, language=language
        )
        log.info("export made: %d bytes", len(archive))
        return archive

    await exchange.say(exchange.t("export.preparing"))
    await exchange.send_document(
        make, _file_name(exchange, "export", "zip"), exchange.t("export.caption")
    )
    await exchange.say(exchange.t("export.offer_report"), privacy_keyboards.report_choice(language))
    return UNCHANGED


def _file_name(exchange: Exchange, kind: str, extension: str) -> str:
    return f"kindbreak-{kind}-{exchange.now.astimezone(_zone(exchange)):%Y-%m-%d}.{extension}"


async def report(exchange: Exchange) -> str:
    """'Report with/without my notes': the 30-day PDF."""
    assert exchange.callback is not None
    choice = exchange.callback.value
    if choice not in ("notes", "plain") or exchange.user.id is None:
        await exchange.refuse_button()
        return UNCHANGED
    label = "buttons.export.with_notes" if choice == "notes" else "buttons.export.without_notes"
    await exchange.close_buttons(exchange.t(label))
    month = await _summary(exchange, MONTH)
    zone, language, pool = _zone(exchange), exchange.language, exchange.context.services.charts
    notes: tuple[str, ...] = ()
    if choice == "notes":
        ratings = await load_ratings(exchange.session, user_id=exchange.user_id)
        breaks = await load_breaks(exchange.session, user_id=exchange.user_id)
        notes = note_lines(month.summary, ratings, breaks, zone, language)

    async def make() -> bytes:
        png = await month.render(pool) if month.chart is not None else None
        content = compose_report(month.summary, chart_png=png, notes=notes, language=language)
        pdf = await pool.run(render_report, content)
        log.info("report made: %d bytes", len(pdf))
        return pdf

    await exchange.send_document(
        make, _file_name(exchange, "report", "pdf"), exchange.t("export.report_caption")
    )
    return UNCHANGED


def build_flow() -> FlowSpec:
    """The export command and the report's buttons."""
    return FlowSpec(
        name="export",
        prefix=Prefix.EXPORT,
        commands={"export": export},
        buttons={"report": report},
        keeps_pause=True,
    )
