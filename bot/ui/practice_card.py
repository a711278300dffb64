"""The one-page practice card: the three steps of the break as a PNG to hand to someone.

Drawn like the summary chart (Agg backend only, no pyplot, no global state), with
matplotlib imported when a card is drawn, so a worker thread can draw it.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.ui.texts import t

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CARD_SIZE = (1240, 1754)  # an A4 page at 150 dots per inch, in pixels
STEPS = 3
_DPI = 150
# the summary chart's Okabe-Ito colours
BLUE = "#0072B2"
SKY_BLUE = "#56B4E9"
INK = "#1A1A1A"
MUTED = "#5C5C5C"
BACKGROUND = "#FFFFFF"
_WRAP = 44  # characters per line of a step's words


@dataclass(frozen=True)
class CardData:
    """What the card says: a title, the steps (heading and words) and the credit."""

    title: str
    subtitle: str
    steps: tuple[tuple[str, str], ...]
    credit: str


def card_data(language: str | None = None) -> CardData:
    """The card's texts, from the catalogue."""
    steps = tuple(
        (t(f"share.card.step{n}", language), t(f"share.card.step{n}_words", language))
        for n in range(1, STEPS + 1)
    )
    return CardData(
        title=t("share.card.title", language),
        subtitle=t("share.card.subtitle", language),
        steps=steps,
        credit=t("share.card.credit", language),
    )


def card_text(data: CardData) -> str:
    """The same card as plain text (the photo's caption)."""
    steps = [f"{n}. {heading}: {words}" for n, (heading, words) in enumerate(data.steps, 1)]
    return "\n\n".join([data.title, *steps, data.credit])


def render_card(data: CardData) -> bytes:
    """Draw the card as a PNG of ``CARD_SIZE`` pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = CARD_SIZE
    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    figure.text(0.08, 0.92, data.title, fontsize=30, fontweight="bold", color=INK)
    figure.text(0.08, 0.885, data.subtitle, fontsize=17, color=MUTED)
    for index, (heading, words) in enumerate(data.steps):
        _draw_step(figure, index, heading, words)
    credit = textwrap.fill(data.credit, 72, break_on_hyphens=False)
    figure.text(0.08, 0.05, credit, fontsize=12, color=MUTED)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=_DPI, facecolor=BACKGROUND, metadata={"Software": None}
    )
    return buffer.getvalue()


def _draw_step(figure: Figure, index: int, heading: str, words: str) -> None:
    """One step: a tinted box, its number in a circle, its heading and its words."""
    from matplotlib.patches import Ellipse, FancyBboxPatch

    top = 0.80 - index * 0.245
    figure.patches.append(
        FancyBboxPatch(
            (0.08, top - 0.19),
            0.84,
            0.19,
            boxstyle="round,pad=0.0,rounding_size=0.02",
            transform=figure.transFigure,
            facecolor=SKY_BLUE,
            alpha=0.18,
            edgecolor="none",
        )
    )
    width, height = CARD_SIZE  # the circle is taller than wide in page fractions
    figure.patches.append(
        Ellipse((0.15, top - 0.05), 0.09, 0.09 * width / height, transform=figure.transFigure)
    )
    figure.patches[-1].set_color(BLUE)
    figure.text(
        0.15,
        top - 0.05,
        str(index + 1),
        fontsize=22,
        fontweight="bold",
        color=BACKGROUND,
        ha="center",
        va="center",
    )
    figure.text(0.22, top - 0.05, heading, fontsize=21, fontweight="bold", color=INK, va="center")
    text = textwrap.fill(words, _WRAP, break_on_hyphens=False)
    figure.text(0.22, top - 0.09, text, fontsize=15, color=INK, va="top", linespacing=1.4)
