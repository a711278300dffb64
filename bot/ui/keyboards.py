"""Every inline keyboard the bot shows, built in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.choices import FEELING_TAGS, SNOOZE_MINUTES
from bot.core.timezones import COMMON_ZONES
from bot.core.zone_suggestions import Suggestion
from bot.ui.callbacks import Callback, Prefix, parse
from bot.ui.texts import t


def button(
    label: str, flow: Prefix, action: str, ref: int = 0, value: str = ""
) -> InlineKeyboardButton:
    """One button carrying validated callback data."""
    return InlineKeyboardButton(label, callback_data=Callback(flow, action, ref, value).encode())


def markup(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of buttons (empty rows dropped)."""
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def mood_scale(
    flow: Prefix,
    action: str,
    ref: int,
    language: str | None,
    *,
    skip: bool = True,
    stop: bool = False,
) -> InlineKeyboardMarkup:
    """Buttons 0–10 (two rows) with optional Skip and Stop."""
    numbers = [button(str(n), flow, action, ref, str(n)) for n in range(11)]
    extra = []
    if skip:
        extra.append(button(t("buttons.skip", language), flow, "skip", ref))
    if stop:
        extra.append(button(t("buttons.stop", language), flow, "stop", ref))
    return markup(numbers[:6], numbers[6:], extra)


def next_or_stop(ref: int, language: str | None) -> InlineKeyboardMarkup:
    """The pacing buttons of a break step."""
    return markup(
        [
            button(t("buttons.next", language), Prefix.BREAK, "next", ref),
            button(t("buttons.stop", language), Prefix.BREAK, "stop", ref),
        ]
    )


def skip_or_stop(
    flow: Prefix, ref: int, language: str | None, *, stop: bool = True
) -> InlineKeyboardMarkup:
    """Skip (and Stop) under a free-text question."""
    row = [button(t("buttons.skip", language), flow, "skip", ref)]
    if stop:
        row.append(button(t("buttons.stop", language), flow, "stop", ref))
    return markup(row)


def time_zones(language: str | None) -> InlineKeyboardMarkup:
    """The common time zones, two per row, plus 'type it'."""
    buttons = [
        button(label, Prefix.ONBOARDING, "tz", 0, str(index))
        for index, (label, _zone) in enumerate(COMMON_ZONES)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(t("buttons.other_zone", language), Prefix.ONBOARDING, "tzother")])
    return markup(*rows)


def suggestion_label(suggestion: Suggestion, language: str | None) -> str:
    """ "Munich (Europe/Berlin)", or the zone alone when the suggestion is a zone name."""
    if suggestion.geonameid == 0:
        return suggestion.zone
    return t("start.suggestion", language, name=suggestion.name, zone=suggestion.zone)


def zone_suggestions(
    suggestions: Sequence[Suggestion], language: str | None
) -> InlineKeyboardMarkup:
    """One button per close spelling (a city by its GeoNames id, a zone by name), and 'type again'."""
    rows = [
        [
            button(suggestion_label(s, language), Prefix.ONBOARDING, "tzcity", 0, str(s.geonameid))
            if s.geonameid
            else button(s.zone, Prefix.ONBOARDING, "tzname", 0, s.zone)
        ]
        for s in suggestions
    ]
    rows.append([button(t("buttons.type_again", language), Prefix.ONBOARDING, "tzother")])
    return markup(*rows)


def menu(language: str | None) -> InlineKeyboardMarkup:
    """The main actions."""
    return markup(
        [
            button(t("buttons.start_break", language), Prefix.BREAK, "start"),
            button(t("buttons.rate_mood", language), Prefix.MOOD, "start"),
        ],
        [button(t("buttons.urgent", language), Prefix.MENU, "urgent")],
    )


def offer_break(language: str | None) -> InlineKeyboardMarkup:
    """'Take a break', or 'no thanks'."""
    return markup(
        [
            button(t("buttons.start_break", language), Prefix.BREAK, "start"),
            button(t("buttons.no_thanks", language), Prefix.BREAK, "nothanks"),
        ]
    )


def grounding(ref: int, language: str | None) -> InlineKeyboardMarkup:
    """The grounding alternative offered after a break that didn't help, or done."""
    return markup(
        [button(t("break.grounding_button", language), Prefix.BREAK, "ground", ref)],
        [button(t("buttons.done", language), Prefix.BREAK, "done", ref)],
    )


def after_break(ref: int, language: str | None) -> InlineKeyboardMarkup:
    """Under a break's closing words: another break, or done."""
    return markup(
        [
            button(t("buttons.another_break", language), Prefix.BREAK, "start"),
            button(t("buttons.done", language), Prefix.BREAK, "done", ref),
        ]
    )


def private_chat(bot_username: str, language: str | None) -> InlineKeyboardMarkup:
    """A link button to the bot's private chat (for group chats)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("fallback.group_button", language), url=f"https://t.me/{bot_username}"
                )
            ]
        ]
    )


def checkin_prompt(delivery_id: int, language: str | None) -> InlineKeyboardMarkup:
    """A check-in: 0–10, snooze and not now (buttons work whenever they are tapped)."""
    numbers = [button(str(n), Prefix.CHECKIN, "rate", delivery_id, str(n)) for n in range(11)]
    later = [
        button(
            t(f"buttons.checkin.snooze_{m}", language),
            Prefix.CHECKIN,
            "snooze",
            delivery_id,
            str(m),
        )
        for m in SNOOZE_MINUTES
    ]
    later.append(
        button(t("buttons.checkin.not_now", language), Prefix.CHECKIN, "notnow", delivery_id)
    )
    return markup(numbers[:6], numbers[6:], later)


def feeling_tags(
    rating_id: int, chosen: set[str], language: str | None, flow: Prefix = Prefix.CHECKIN
) -> InlineKeyboardMarkup:
    """Feeling tags to toggle (chosen ones ticked), and Done (for a check-in or a /mood)."""
    tags = [
        button(
            ("✓ " if tag in chosen else "") + t(f"tags.{tag}", language),
            flow,
            "tag",
            rating_id,
            str(index),
        )
        for index, tag in enumerate(FEELING_TAGS)
    ]
    rows = [tags[i : i + 3] for i in range(0, len(tags), 3)]
    rows.append([button(t("buttons.checkin.done", language), flow, "done", rating_id)])
    return markup(*rows)


def stamp_state(
    keyboard: InlineKeyboardMarkup | None, flow: Prefix, actions: frozenset[str], state: str
) -> InlineKeyboardMarkup | None:
    """The keyboard with ``state`` written into its step buttons (``actions`` of ``flow``)."""
    if keyboard is None:
        return None
    rows = []
    for row in keyboard.inline_keyboard:
        new_row = []
        for key in row:
            data = parse(key.callback_data) if isinstance(key.callback_data, str) else None
            if data is not None and data.flow == flow and data.action in actions and not data.state:
                key = InlineKeyboardButton(
                    key.text, callback_data=replace(data, state=state).encode()
                )
            new_row.append(key)
        rows.append(new_row)
    return InlineKeyboardMarkup(rows)
