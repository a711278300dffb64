"""/practices: every practice in one line each, with a button; the end of every practice."""

from __future__ import annotations

from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix

# the lines of the menu, in order: the command and its one-line description
LINES = (
    "kindness",
    "critic",
    "friend",
    "soothe",
    "gratitude",
    "break",
    "phrases",
    "journal",
    "learn",
    "resources",
    "share",
)


async def show_menu(exchange: Exchange) -> str:
    """/practices or 'Another practice': one line per practice, and a button for each."""
    await exchange.close_buttons()
    lines = [f"/{command} — {exchange.t(f'commands.{command}')}" for command in LINES]
    text = "\n\n".join(
        [exchange.t("practices.menu_intro"), "\n".join(lines), exchange.t("practices.credit")]
    )
    await exchange.say(text, practice_keyboards.practice_menu(exchange.language))
    return UNCHANGED


async def done(exchange: Exchange) -> str:
    """'Done' at the end of a practice: a warm goodbye, and the buttons go."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("practices.done"))
    return UNCHANGED


def build_flow() -> FlowSpec:
    """The practices menu (no steps)."""
    return FlowSpec(
        name="practices",
        prefix=Prefix.PRACTICES,
        commands={"practices": show_menu},
        buttons={"menu": show_menu, "done": done},
    )
