"""The buttons of consent and of erasing one's data."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup
from bot.ui.texts import t


def consent(language: str | None) -> InlineKeyboardMarkup:
    """'I agree', 'Tell me more', 'Not now', and 'I'm under 18'."""
    return markup(
        [button(t("buttons.consent.agree", language), Prefix.ONBOARDING, "agree")],
        [
            button(t("buttons.consent.more", language), Prefix.ONBOARDING, "more"),
            button(t("buttons.consent.not_now", language), Prefix.ONBOARDING, "notnow"),
        ],
        [button(t("buttons.consent.minor", language), Prefix.ONBOARDING, "minor")],
    )


def erase(language: str | None) -> InlineKeyboardMarkup:
    """The first question: erase, or keep."""
    return markup(
        [button(t("buttons.delete.erase", language), Prefix.PRIVACY, "erase")],
        [button(t("buttons.delete.keep", language), Prefix.PRIVACY, "keep")],
    )


def erase_sure(language: str | None) -> InlineKeyboardMarkup:
    """The second question, after the list of what will be lost."""
    return markup(
        [button(t("buttons.delete.sure", language), Prefix.PRIVACY, "sure")],
        [button(t("buttons.delete.keep", language), Prefix.PRIVACY, "keep")],
    )


def report_choice(language: str | None) -> InlineKeyboardMarkup:
    """Under the offer of the 30-day report: with or without notes."""
    return markup(
        [button(t("buttons.export.with_notes", language), Prefix.EXPORT, "report", 0, "notes")],
        [button(t("buttons.export.without_notes", language), Prefix.EXPORT, "report", 0, "plain")],
    )
