"""The buttons of /history: one per entry, older and newer, and an entry's own choices."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup, mood_scale
from bot.ui.texts import t


def page(
    entries: Sequence[tuple[str, int]], *, offset: int, size: int, older: bool, language: str | None
) -> InlineKeyboardMarkup:
    """A numbered button per (kind, id), then Newer / Older, then Done."""
    numbers = [
        button(str(index), Prefix.HISTORY, "open", entry_id, kind)
        for index, (kind, entry_id) in enumerate(entries, start=1)
    ]
    moves: list[InlineKeyboardButton] = []
    if offset > 0:
        moves.append(
            button(
                t("buttons.history.newer", language), Prefix.HISTORY, "page", max(0, offset - size)
            )
        )
    if older:
        moves.append(
            button(t("buttons.history.older", language), Prefix.HISTORY, "page", offset + size)
        )
    done = [button(t("buttons.done", language), Prefix.HISTORY, "done")]
    return markup(numbers[:4], numbers[4:], moves, done)


def entry(kind: str, entry_id: int, language: str | None) -> InlineKeyboardMarkup:
    """Under an opened entry: change the rating (ratings only), delete, back to the list."""
    first = []
    if kind == "r":
        first.append(
            button(t("buttons.history.fix", language), Prefix.HISTORY, "fix", entry_id, kind)
        )
    first.append(
        button(t("buttons.history.delete", language), Prefix.HISTORY, "del", entry_id, kind)
    )
    return markup(first, [button(t("buttons.history.back", language), Prefix.HISTORY, "page", 0)])


def new_value(rating_id: int, language: str | None) -> InlineKeyboardMarkup:
    """0-10 for the corrected rating."""
    scale = mood_scale(Prefix.HISTORY, "set", rating_id, language, skip=False)
    keep = button(t("buttons.history.keep", language), Prefix.HISTORY, "keep", rating_id, "r")
    return InlineKeyboardMarkup([*scale.inline_keyboard, (keep,)])


def confirm_delete(kind: str, entry_id: int, language: str | None) -> InlineKeyboardMarkup:
    """'Yes, delete it' or 'Keep it'."""
    return markup(
        [button(t("buttons.history.sure", language), Prefix.HISTORY, "sure", entry_id, kind)],
        [button(t("buttons.history.keep", language), Prefix.HISTORY, "keep", entry_id, kind)],
    )
