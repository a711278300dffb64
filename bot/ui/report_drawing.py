"""Drawing the 30-day report: matplotlib's PDF backend, no pyplot, no global state.

Safe in a worker process or thread. Pure: a ``Report`` in, PDF bytes out.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread

from bot.ui.report_pdf import A4, INK, LINES_PER_PAGE, MUTED, WRAP, Report


def _wrapped(lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, WRAP, subsequent_indent="   ") or [""])
    return out


def _first_page(report: Report) -> Figure:
    figure = Figure(figsize=A4)
    FigureCanvasPdf(figure)
    figure.text(0.08, 0.94, report.title, fontsize=20, color=INK, weight="bold")
    figure.text(0.08, 0.915, report.subtitle, fontsize=11, color=MUTED)
    if report.chart_png is not None:
        axes = figure.add_axes((0.06, 0.52, 0.88, 0.37))
        axes.imshow(imread(io.BytesIO(report.chart_png), format="png"))
        axes.set_axis_off()
    top = 0.48 if report.chart_png is not None else 0.87
    for index, line in enumerate(_wrapped(report.figures)):
        figure.text(0.08, top - index * 0.026, line, fontsize=11, color=INK)
    figure.text(0.08, 0.04, report.footer, fontsize=8, color=MUTED, wrap=True)
    return figure


def _note_pages(report: Report) -> list[Figure]:
    lines = _wrapped(report.notes)
    pages: list[Figure] = []
    for start in range(0, len(lines), LINES_PER_PAGE):
        figure = Figure(figsize=A4)
        FigureCanvasPdf(figure)
        if start == 0 and report.notes_heading:
            figure.text(0.08, 0.94, report.notes_heading, fontsize=14, color=INK, weight="bold")
        for index, line in enumerate(lines[start : start + LINES_PER_PAGE]):
            figure.text(0.08, 0.90 - index * 0.0165, line, fontsize=9.5, color=INK)
        pages.append(figure)
    return pages


def draw_report(report: Report) -> bytes:
    """The report as PDF bytes: a first page with chart and figures, then the notes."""
    buffer = io.BytesIO()
    metadata = {"Title": report.title, "Creator": "Kindbreak", "Producer": "Kindbreak"}
    with PdfPages(buffer, metadata=metadata) as pdf:
        for figure in (_first_page(report), *_note_pages(report)):
            pdf.savefig(figure)
    return buffer.getvalue()
