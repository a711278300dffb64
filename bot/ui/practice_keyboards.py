"""The keyboards of the practices: the menu, pacing, choices and the ending."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup
from bot.ui.texts import t

# the practices of the /practices menu, in order: their flow, prefix and command
MENU = (
    ("kindness", Prefix.KINDNESS),
    ("critic", Prefix.CRITIC),
    ("friend", Prefix.FRIEND),
    ("soothe", Prefix.SOOTHE),
    ("gratitude", Prefix.GRATITUDE),
)


def practice_menu(language: str | None) -> InlineKeyboardMarkup:
    """One button per practice, then the break and the phrases."""
    buttons = [button(t(f"practices.button.{kind}", language), p, "start") for kind, p in MENU]
    buttons.append(button(t("buttons.start_break", language), Prefix.BREAK, "start"))
    buttons.append(button(t("practices.button.phrases", language), Prefix.PHRASES, "start"))
    return markup(*(buttons[i : i + 2] for i in range(0, len(buttons), 2)))


def next_or_stop(prefix: Prefix, ref: int, language: str | None) -> InlineKeyboardMarkup:
    """The pacing buttons of a practice."""
    return markup(
        [
            button(t("buttons.next", language), prefix, "next", ref),
            button(t("buttons.stop", language), prefix, "stop", ref),
        ]
    )


def skip_or_stop(
    prefix: Prefix, ref: int, language: str | None, skip: str = "buttons.skip"
) -> InlineKeyboardMarkup:
    """Skip (with its own label) and Stop under a question."""
    return markup(
        [
            button(t(skip, language), prefix, "skip", ref),
            button(t("buttons.stop", language), prefix, "stop", ref),
        ]
    )


def choices(
    prefix: Prefix, ref: int, options: Sequence[tuple[str, str]], language: str | None
) -> InlineKeyboardMarkup:
    """One 'pick' button per (value, label) option, one per row, then Stop."""
    rows = [[button(label, prefix, "pick", ref, value)] for value, label in options]
    rows.append([button(t("buttons.stop", language), prefix, "stop", ref)])
    return markup(*rows)


def yes_no(
    prefix: Prefix, ref: int, yes: str, no: str, language: str | None
) -> InlineKeyboardMarkup:
    """Two answers (their labels given), then Stop."""
    return markup(
        [
            button(t(yes, language), prefix, "yes", ref),
            button(t(no, language), prefix, "no", ref),
        ],
        [button(t("buttons.stop", language), prefix, "stop", ref)],
    )


def keep_phrase(prefix: Prefix, ref: int, step: str, language: str | None) -> InlineKeyboardMarkup:
    """Offer, once, to keep the words just written in the person's phrases."""
    return markup([button(t("phrases.keep_button", language), prefix, "keep", ref, step)])


def ending(language: str | None, *, grounding: bool = False) -> InlineKeyboardMarkup:
    """The end of every practice: something grounding if it got harder, another practice, done."""
    first = [button(t("break.grounding_button", language), Prefix.BREAK, "ground")]
    return markup(
        first if grounding else [],
        [
            button(t("practices.another", language), Prefix.PRACTICES, "menu"),
            button(t("buttons.done", language), Prefix.PRACTICES, "done"),
        ],
    )


def offer(prefix: Prefix, label: str, language: str | None) -> InlineKeyboardMarkup:
    """One suggested practice, or no thanks."""
    return markup(
        [
            button(t(label, language), prefix, "start"),
            button(t("buttons.no_thanks", language), prefix, "nothanks"),
        ]
    )


def next_or_skip(prefix: Prefix, ref: int, skip: str, language: str | None) -> InlineKeyboardMarkup:
    """Next, skip the rest (its label given), and Stop."""
    return markup(
        [
            button(t("buttons.next", language), prefix, "next", ref),
            button(t(skip, language), prefix, "skip", ref),
        ],
        [button(t("buttons.stop", language), prefix, "stop", ref)],
    )
