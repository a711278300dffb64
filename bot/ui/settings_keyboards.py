"""The buttons of the check-in settings: /checkins, /pause, /resume, and the end of onboarding."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.schedule import PAUSE_CHOICES, WEEKDAYS_ALL, WEEKDAYS_WEEKEND, WEEKDAYS_WORK
from bot.ui.calendar import weekday as weekday_name
from bot.ui.callbacks import Prefix
from bot.ui.keyboards import button, markup, menu
from bot.ui.texts import t

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
    return button(t(key, language), Prefix.SETTINGS, action, 0, value)


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
            Prefix.SETTINGS,
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
            Prefix.SETTINGS,
            "days",
            0,
            key,
        )
        for key, days in DAY_PRESETS.items()
    ]
    toggles = [
        button(
            _ticked(weekday_name(day, language, form="weekday_short"), day in weekdays),
            Prefix.SETTINGS,
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
            Prefix.SETTINGS,
            "quiet",
            0,
            quiet_value(start, end),
        )
        for start, end in QUIET_PRESETS
    ]
    none = button(
        _ticked(t("buttons.settings.no_quiet", language), current is None),
        Prefix.SETTINGS,
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
            Prefix.SETTINGS,
            "sum",
            0,
            "on",
        ),
        button(
            _ticked(t("buttons.settings.summary_off", language), not enabled),
            Prefix.SETTINGS,
            "sum",
            0,
            "off",
        ),
    ]
    days = [
        button(
            _ticked(weekday_name(day, language, form="weekday_short"), enabled and day == weekday),
            Prefix.SETTINGS,
            "sum",
            0,
            f"d{day}",
        )
        for day in range(7)
    ]
    times = [
        button(
            _ticked(f"{preset:%H:%M}", enabled and preset == at),
            Prefix.SETTINGS,
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
