"""One person's summary as they see it: the figures, the kind words and the chart's data.

The chart is drawn in a worker process (``render``) so the event loop never waits for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.choices import FEELING_TAGS
from bot.core.samples import PeriodRecords
from bot.core.stats import PeriodSummary, summarize
from bot.ui.chart_data import ChartData, chart_data
from bot.ui.summary_text import compose_summary
from bot.ui.texts import t
from bot.workers import ProcessPool


@dataclass(frozen=True)
class PreparedSummary:
    """A summary ready to send: the figures, the message and (unless sparse) the chart's data."""

    summary: PeriodSummary
    text: str
    chart: ChartData | None

    async def render(self, pool: ProcessPool | None = None) -> bytes:
        """The chart as a PNG, drawn in ``pool`` (without one: in a worker thread)."""
        if self.chart is None:
            raise ValueError("a sparse summary has no chart")
        return await (pool or ProcessPool(workers=0)).run(draw_chart, self.chart)


CHART_MODULES = ("bot.ui.charts",)
"""What a chart worker process imports before its first chart."""


def draw_chart(chart: ChartData) -> bytes:
    """The chart as a PNG (blocking: runs in a worker process or thread)."""
    # matplotlib and numpy take about 40 MB: imported when the first chart is drawn, not before
    from bot.ui.charts import render_chart

    return render_chart(chart)


def tag_label(tag: str, language: str | None) -> str:
    """The shown name of a feeling tag (a tag the bot no longer offers keeps its stored name)."""
    return t(f"tags.{tag}", language) if tag in FEELING_TAGS else tag


def build_summary(
    records: PeriodRecords,
    *,
    zone: str,
    period_end: dt.datetime,
    days: int,
    language: str | None,
    phrase: str | None = None,
) -> PreparedSummary:
    """Figures, message and chart data for the ``days`` local days ending on ``period_end``
    (closing with ``phrase``, one of the person's own, when given)."""
    summary = summarize(
        records.ratings,
        records.breaks,
        zone=zone,
        period_end=period_end,
        days=days,
        previous=records.ratings,
        practices=records.practices,
    )
    text = compose_summary(
        summary,
        language=language,
        variant=summary.end.toordinal(),  # a different closing line from one week to the next
        tag_label=lambda tag: tag_label(tag, language),
        phrase=phrase,
    )
    chart = (
        None
        if summary.is_sparse
        else chart_data(summary, records.breaks, zone=zone, language=language)
    )
    return PreparedSummary(summary=summary, text=text, chart=chart)
