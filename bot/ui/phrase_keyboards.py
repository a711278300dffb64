"""The keyboards of the phrase bank."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup
from bot.ui.texts import t

LABEL_CHARS = 40  # a phrase on a button is cut to this, with an ellipsis


def actions(has_phrases: bool, language: str | None) -> InlineKeyboardMarkup:
    """Under the list: add, remove (when there is something to remove), done."""
    row = [button(t("phrases.add_button", language), Prefix.PHRASES, "add")]
    if has_phrases:
        row.append(button(t("phrases.remove_button", language), Prefix.PHRASES, "remove"))
    return markup(row, [button(t("buttons.done", language), Prefix.PHRASES, "done")])


def cancel_adding(language: str | None) -> InlineKeyboardMarkup:
    """Under the question for a new phrase."""
    return markup([button(t("phrases.not_now", language), Prefix.PHRASES, "skip")])


def removable(phrases: Sequence[tuple[int, str]], language: str | None) -> InlineKeyboardMarkup:
    """One button per phrase (cut short), then Done."""
    rows = [[button(_cut(text), Prefix.PHRASES, "drop", phrase_id)] for phrase_id, text in phrases]
    rows.append([button(t("buttons.done", language), Prefix.PHRASES, "done")])
    return markup(*rows)


def _cut(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= LABEL_CHARS else flat[: LABEL_CHARS - 1].rstrip() + "…"
