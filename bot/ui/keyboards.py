"""Every inline keyboard the bot shows, built in one place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.choices import FEELING_TAGS, SNOOZE_MINUTES
from bot.core.schedule import PAUSE_CHOICES, WEEKDAYS_ALL, WEEKDAYS_WEEKEND, WEEKDAYS_WORK
from bot.core.timezones import COMMON_ZONES
from bot.ui.callbacks import Callback, Flow
from bot.ui.texts import t


def button(
    label: str, flow: Flow, action: str, ref: int = 0, value: str = ""
) -> InlineKeyboardButton:
    """One button carrying validated callback data."""
    return InlineKeyboardButton(label, callback_data=Callback(flow, action, ref, value).encode())


def markup(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of buttons (empty rows dropped)."""
    return InlineKeyboardMarkup([list(row) for row in rows if row])


def mood_scale(
    flow: Flow,
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
            button(t("buttons.next", language), Flow.BREAK, "next", ref),
            button(t("buttons.stop", language), Flow.BREAK, "stop", ref),
        ]
    )


def skip_or_stop(
    flow: Flow, ref: int, language: str | None, *, stop: bool = True
) -> InlineKeyboardMarkup:
    """Skip (and Stop) under a free-text question."""
    row = [button(t("buttons.skip", language), flow, "skip", ref)]
    if stop:
        row.append(button(t("buttons.stop", language), flow, "stop", ref))
    return markup(row)


def time_zones(language: str | None) -> InlineKeyboardMarkup:
    """The common time zones, two per row, plus 'type it'."""
    buttons = [
        button(label, Flow.ONBOARDING, "tz", 0, str(index))
        for index, (label, _zone) in enumerate(COMMON_ZONES)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(t("buttons.other_zone", language), Flow.ONBOARDING, "tzother")])
    return markup(*rows)


def menu(language: str | None) -> InlineKeyboardMarkup:
    """The main actions."""
    return markup(
        [
            button(t("buttons.start_break", language), Flow.BREAK, "start"),
            button(t("buttons.rate_mood", language), Flow.MOOD, "start"),
        ],
        [button(t("buttons.urgent", language), Flow.MENU, "urgent")],
    )


def offer_break(language: str | None) -> InlineKeyboardMarkup:
    """A single 'take a break' button."""
    return markup([button(t("buttons.start_break", language), Flow.BREAK, "start")])


def grounding(ref: int, language: str | None) -> InlineKeyboardMarkup:
    """The grounding alternative offered after a break that didn't help."""
    return markup([button(t("break.grounding_button", language), Flow.BREAK, "ground", ref)])


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
    numbers = [button(str(n), Flow.CHECKIN, "rate", delivery_id, str(n)) for n in range(11)]
    later = [
        button(
            t(f"buttons.checkin.snooze_{m}", language), Flow.CHECKIN, "snooze", delivery_id, str(m)
        )
        for m in SNOOZE_MINUTES
    ]
    later.append(
        button(t("buttons.checkin.not_now", language), Flow.CHECKIN, "notnow", delivery_id)
    )
    return markup(numbers[:6], numbers[6:], later)


def feeling_tags(
    rating_id: int, chosen: set[str], language: str | None, *, offer_break: bool
) -> InlineKeyboardMarkup:
    """Feeling tags to toggle (chosen ones ticked), Done, and a break for hard moments."""
    tags = [
        button(
            ("✓ " if tag in chosen else "") + t(f"tags.{tag}", language),
            Flow.CHECKIN,
            "tag",
            rating_id,
            str(index),
        )
        for index, tag in enumerate(FEELING_TAGS)
    ]
    rows = [tags[i : i + 3] for i in range(0, len(tags), 3)]
    rows.append([button(t("buttons.checkin.done", language), Flow.CHECKIN, "done", rating_id)])
    if offer_break:
        rows.append([button(t("buttons.start_break", language), Flow.BREAK, "start")])
    return markup(*rows)


# --------------------------------------------------------------------------- check-in settings
# (/checkins, /pause, /resume and the button that ends first-time onboarding)

SUGGESTED_TIMES = (time(8, 0), time(12, 30), time(18, 0), time(21, 0))
QUIET_PRESETS = ((time(22, 0), time(7, 0)), (time(23, 0), time(8, 0)))
SUMMARY_TIMES = (time(9, 0), time(12, 0), time(18, 0), time(20, 0))
DAY_PRESETS = {"all": WEEKDAYS_ALL, "work": WEEKDAYS_WORK, "end": WEEKDAYS_WEEKEND}
_DAY_PRESET_LABELS = {
    "all": "buttons.settings.every_day",
    "work": "buttons.settings.weekdays",
    "end": "buttons.settings.weekends",
}


def time_value(at: time) -> str:
    """A time of day as a callback value: "0830"."""
    return f"{at:%H%M}"


def quiet_value(start: time, end: time) -> str:
    """Quiet hours as a callback value: "2200-0700"."""
    return f"{time_value(start)}-{time_value(end)}"


def _ticked(label: str, chosen: bool) -> str:
    return f"✓ {label}" if chosen else label


def _settings(key: str, action: str, value: str, language: str | None) -> InlineKeyboardButton:
    return button(t(key, language), Flow.SETTINGS, action, 0, value)


def _back(language: str | None) -> list[InlineKeyboardButton]:
    return [_settings("buttons.settings.back", "back", "", language)]


def ready(language: str | None) -> InlineKeyboardMarkup:
    """The main actions plus "Set up check-ins", at the end of first-time onboarding."""
    return markup(
        *menu(language).inline_keyboard,
        [_settings("buttons.settings.set_up", "menu", "", language)],
    )


def settings_menu(language: str | None, *, enabled: bool, paused: bool) -> InlineKeyboardMarkup:
    """The check-in settings: on/off, times, days, quiet hours, summary, pause, done."""
    switch = (
        _settings("buttons.settings.turn_off", "off", "", language)
        if enabled
        else _settings("buttons.settings.turn_on", "on", "", language)
    )
    rest: list[InlineKeyboardButton] = []
    if enabled:
        rest.append(
            _settings("buttons.settings.resume", "resume", "", language)
            if paused
            else _settings("buttons.settings.pause", "pause", "", language)
        )
    rest.append(_settings("buttons.settings.done", "done", "", language))
    return markup(
        [switch],
        [
            _settings("buttons.settings.times", "time", "", language),
            _settings("buttons.settings.days", "days", "", language),
        ],
        [
            _settings("buttons.settings.quiet", "quiet", "", language),
            _settings("buttons.settings.summary", "sum", "", language),
        ],
        rest,
    )


def settings_times(times: Sequence[time], language: str | None) -> InlineKeyboardMarkup:
    """Suggested and chosen times as toggles (chosen ticked), Clear and Back."""
    chosen = set(times)
    toggles = [
        button(
            _ticked(f"{at:%H:%M}", at in chosen),
            Flow.SETTINGS,
            "time",
            0,
            ("r" if at in chosen else "a") + time_value(at),
        )
        for at in sorted(chosen | set(SUGGESTED_TIMES))
    ]
    rows = [toggles[i : i + 4] for i in range(0, len(toggles), 4)]
    clear = [_settings("buttons.settings.clear", "clear", "", language)] if chosen else []
    return markup(*rows, clear + _back(language))


def settings_days(weekdays: frozenset[int], language: str | None) -> InlineKeyboardMarkup:
    """Every day / weekdays / weekends, then Mon..Sun toggles (chosen ticked), and Back."""
    presets = [
        button(
            _ticked(t(_DAY_PRESET_LABELS[key], language), weekdays == days),
            Flow.SETTINGS,
            "days",
            0,
            key,
        )
        for key, days in DAY_PRESETS.items()
    ]
    toggles = [
        button(
            _ticked(t(f"buttons.settings.day.{day}", language), day in weekdays),
            Flow.SETTINGS,
            "days",
            0,
            ("r" if day in weekdays else "a") + str(day),
        )
        for day in range(7)
    ]
    return markup(presets, toggles[:4], toggles[4:], _back(language))


def settings_quiet(current: tuple[time, time] | None, language: str | None) -> InlineKeyboardMarkup:
    """Quiet-hour presets and "none" (the current one ticked), and Back."""
    presets = [
        button(
            _ticked(
                t("settings.range", language, start=f"{start:%H:%M}", end=f"{end:%H:%M}"),
                current == (start, end),
            ),
            Flow.SETTINGS,
            "quiet",
            0,
            quiet_value(start, end),
        )
        for start, end in QUIET_PRESETS
    ]
    none = button(
        _ticked(t("buttons.settings.no_quiet", language), current is None),
        Flow.SETTINGS,
        "quiet",
        0,
        "none",
    )
    return markup(presets, [none], _back(language))


def settings_summary(
    language: str | None, *, enabled: bool, weekday: int, at: time
) -> InlineKeyboardMarkup:
    """The weekly summary: on/off, its weekday and time (current ones ticked), and Back."""
    switch = [
        button(
            _ticked(t("buttons.settings.summary_on", language), enabled),
            Flow.SETTINGS,
            "sum",
            0,
            "on",
        ),
        button(
            _ticked(t("buttons.settings.summary_off", language), not enabled),
            Flow.SETTINGS,
            "sum",
            0,
            "off",
        ),
    ]
    days = [
        button(
            _ticked(t(f"buttons.settings.day.{day}", language), enabled and day == weekday),
            Flow.SETTINGS,
            "sum",
            0,
            f"d{day}",
        )
        for day in range(7)
    ]
    times = [
        button(
            _ticked(f"{preset:%H:%M}", enabled and preset == at),
            Flow.SETTINGS,
            "sum",
            0,
            "t" + time_value(preset),
        )
        for preset in SUMMARY_TIMES
    ]
    return markup(switch, days[:4], days[4:], times, _back(language))


def pause_choices(language: str | None, *, back: bool) -> InlineKeyboardMarkup:
    """How long to pause: today, 3 days, a week, until resumed (and Back, from the menu)."""
    choices = [
        _settings(f"buttons.settings.pause_{choice}", "pause", choice, language)
        for choice in PAUSE_CHOICES
    ]
    return markup(choices[:2], choices[2:], _back(language) if back else [])
