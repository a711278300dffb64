"""The keyboards of /learn (paced notes) and /resources (links out)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup
from bot.ui.texts import t

# the resources of /resources, in order: their catalogue name and where the link goes
RESOURCES = (
    ("book", "https://self-compassion.org"),
    (
        "workbook",
        "https://www.guilford.com/books/The-Mindful-Self-Compassion-Workbook/Neff-Germer/9781462526789",
    ),
    ("courses", "https://centerformsc.org"),
    ("practices", "https://self-compassion.org"),
)


def next_or_done(note: int, language: str | None, *, last: bool) -> InlineKeyboardMarkup:
    """Under a note: the next one (unless it is the last), and done."""
    done = button(t("buttons.done", language), Prefix.LEARN, "done", note)
    if last:
        return markup([done])
    return markup([button(t("buttons.next", language), Prefix.LEARN, "next", note), done])


def resource_links(language: str | None) -> InlineKeyboardMarkup:
    """One link button per resource."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(f"resources.button.{name}", language), url=url)]
            for name, url in RESOURCES
        ]
    )
