"""The summary chart: daily mood with its range and the lift of each break.

``bot.ui.chart_data`` turns a ``PeriodSummary`` into plain lists and labels;
``render_chart`` draws them into a PNG with the Agg backend only (no pyplot,
no global state, no display), so it is safe to call from a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.core.samples import MAX_RATING, MIN_RATING
from bot.ui.chart_data import ChartData

CHART_SIZE = (1200, 800)
"""Default PNG size in pixels (width, height)."""
"""At most this many day labels on the x axis; longer periods label every few days."""

# Okabe-Ito colour-blind-safe palette.
BLUE = "#0072B2"
SKY_BLUE = "#56B4E9"
VERMILLION = "#D55E00"
INK = "#1A1A1A"
MUTED = "#5C5C5C"
GRID = "#E3E3E3"
BACKGROUND = "#FFFFFF"

_DPI = 100
_BAND_ALPHA = 0.3
# Axes position as figure fractions (left, bottom, width, height): fonts scale with the
# figure, so fixed margins leave room for the title, the tick labels and the legend.
_AXES_BOX = (0.105, 0.175, 0.84, 0.70)
_AXES_BOX_TWO_ROW_LEGEND = (0.105, 0.235, 0.84, 0.64)
_LONG_MARKS = 1.25


def render_chart(
    data: ChartData, *, width_px: int = CHART_SIZE[0], height_px: int = CHART_SIZE[1]
) -> bytes:
    """Draw ``data`` as a PNG of exactly ``width_px`` x ``height_px`` pixels."""
    if width_px < 200 or height_px < 150:
        raise ValueError(f"chart too small: {width_px}x{height_px}")
    scale = min(width_px / CHART_SIZE[0], height_px / CHART_SIZE[1])
    figure = Figure(
        figsize=(width_px / _DPI, height_px / _DPI),
        dpi=_DPI,
        facecolor=BACKGROUND,
    )
    FigureCanvasAgg(figure)
    kinds = {marker.unchanged for marker in data.breaks}
    axes = figure.add_axes(_AXES_BOX_TWO_ROW_LEGEND if len(kinds) == 2 else _AXES_BOX)
    _draw(figure, axes, data, scale)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=_DPI, facecolor=BACKGROUND, metadata={"Software": None}
    )
    return buffer.getvalue()


def _draw(figure: Figure, axes: Axes, data: ChartData, scale: float) -> None:
    count = len(data.means)
    tick_size = 24 * scale
    axes.set_facecolor(BACKGROUND)
    axes.set_xlim(*data.x_limits)
    axes.set_ylim(*data.y_limits)
    axes.set_yticks(range(MIN_RATING, MAX_RATING + 1, 2))
    axes.set_xticks(list(data.tick_indices), [data.labels[i] for i in data.tick_indices])
    axes.tick_params(axis="both", labelsize=tick_size, colors=INK, length=0, pad=10 * scale)
    axes.grid(axis="y", color=GRID, linewidth=1.5 * scale)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(MUTED)
    axes.spines["bottom"].set_linewidth(1.5 * scale)
    axes.set_ylabel(data.y_label, fontsize=tick_size, color=MUTED, labelpad=12 * scale)
    axes.set_title(
        data.title, fontsize=34 * scale, color=INK, loc="left", pad=20 * scale, fontweight="bold"
    )

    # a month's days are narrow: bigger marks, so they read at phone width
    marks = scale * (_LONG_MARKS if data.long else 1.0)
    _draw_range(axes, data)
    _draw_means(axes, data, marks)
    _draw_breaks(axes, data, marks)

    if data.empty_text:
        axes.text(
            (count - 1) / 2,
            (MIN_RATING + MAX_RATING) / 2,
            data.empty_text,
            ha="center",
            va="center",
            fontsize=tick_size,
            color=MUTED,
            wrap=True,
            bbox={"facecolor": BACKGROUND, "edgecolor": "none", "pad": 8 * scale},
        )
        return
    _legend(figure, data, scale)


def _legend(figure: Figure, data: ChartData, scale: float) -> None:
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=BLUE, linewidth=4 * scale, marker="o", markersize=12 * scale),
        Patch(facecolor=SKY_BLUE, alpha=_BAND_ALPHA, edgecolor="none"),
    ]
    labels = [data.mean_label, data.range_label]
    if any(not marker.unchanged for marker in data.breaks):
        handles.append(
            Line2D([], [], color=VERMILLION, linewidth=3 * scale, marker="^", markersize=14 * scale)
        )
        labels.append(data.break_label)
    if any(marker.unchanged for marker in data.breaks):
        handles.append(Line2D([], [], color=VERMILLION, linewidth=4 * scale, **_same_style(scale)))
        labels.append(data.unchanged_label)
    figure.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=2 if len(handles) > 3 else len(handles),
        frameon=False,
        fontsize=22 * scale,
        labelcolor=INK,
        handlelength=1.5,
        columnspacing=1.4,
        handletextpad=0.5,
    )


def _same_style(scale: float) -> dict[str, Any]:
    """The mark of a break that left the mood unchanged: a filled diamond."""
    return {
        "marker": "D",
        "markersize": 13 * scale,
        "markerfacecolor": VERMILLION,
        "markeredgecolor": BACKGROUND,
        "markeredgewidth": 2 * scale,
    }


def _runs(values: Sequence[object]) -> list[list[int]]:
    """Consecutive indices whose value is not ``None``."""
    runs: list[list[int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _draw_range(axes: Axes, data: ChartData) -> None:
    half = 0.3 if data.long else 0.14  # a lone day still shows its range on a narrow day
    for run in _runs(data.mins):
        xs: list[float] = []
        lows: list[float] = []
        highs: list[float] = []
        for index in run:
            low, high = data.mins[index], data.maxs[index]
            assert low is not None and high is not None
            ends = [index - half, index + half] if len(run) == 1 else [index]
            xs += ends
            lows += [low] * len(ends)
            highs += [high] * len(ends)
        axes.fill_between(xs, lows, highs, color=SKY_BLUE, alpha=_BAND_ALPHA, linewidth=0, zorder=1)


def _draw_means(axes: Axes, data: ChartData, scale: float) -> None:
    for run in _runs(data.means):
        values = [mean for i in run if (mean := data.means[i]) is not None]
        axes.plot(
            run,
            values,
            color=BLUE,
            linewidth=4 * scale,
            marker="o",
            markersize=12 * scale,
            markerfacecolor=BLUE,
            markeredgecolor=BACKGROUND,
            markeredgewidth=2 * scale,
            solid_capstyle="round",
            zorder=3,
        )


def _draw_breaks(axes: Axes, data: ChartData, scale: float) -> None:
    for marker in data.breaks:
        if marker.unchanged:
            # a short flat line through a diamond: the mood stayed where it was
            axes.plot(
                [marker.x],
                [marker.before],
                marker="_",
                markersize=(22 if data.long else 34) * scale,  # about a day wide
                markeredgewidth=4 * scale,
                color=VERMILLION,
                linestyle="none",
                zorder=4,
            )
            axes.plot([marker.x], [marker.before], linestyle="none", zorder=5, **_same_style(scale))
            continue
        axes.plot(
            [marker.x],
            [marker.before],
            marker="o",
            markersize=10 * scale,
            markerfacecolor=BACKGROUND,
            markeredgecolor=VERMILLION,
            markeredgewidth=2.5 * scale,
            linestyle="none",
            zorder=4,
        )
        axes.annotate(
            "",
            xy=(marker.x, marker.after),
            xytext=(marker.x, marker.before),
            arrowprops={
                "arrowstyle": "-|>",
                "color": VERMILLION,
                "linewidth": 3 * scale,
                "mutation_scale": 26 * scale,
                "shrinkA": 6 * scale,
                "shrinkB": 0,
            },
            zorder=4,
        )
