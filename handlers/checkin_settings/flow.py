"""The settings flow: its states, commands, buttons and typed steps, in one spec."""

from __future__ import annotations

import logging

from bot.flow import FlowSpec, Step
from bot.ui.callbacks import Prefix
from handlers.checkin_settings.base import (
    SETTINGS_FLOW_NAME,
    SettingsState,
)
from handlers.checkin_settings.buttons import (
    back,
    cancel,
    clear_times,
    days_button,
    done,
    menu_button,
    open_menu,
    quiet_button,
    summary_button,
    times_button,
    turn_off,
    turn_on,
)
from handlers.checkin_settings.pausing import ask_pause, pause_button, resume, resume_button
from handlers.checkin_settings.typed import (
    quiet_text,
    summary_text,
    times_text,
)

log = logging.getLogger(__name__)


def build_flow() -> FlowSpec:
    """The check-in settings: commands, buttons that work whenever tapped, typing screens."""
    return FlowSpec(
        name=SETTINGS_FLOW_NAME,
        prefix=Prefix.SETTINGS,
        commands={"checkins": open_menu, "pause": ask_pause, "resume": resume},
        buttons={
            "menu": menu_button,
            "back": back,
            "done": done,
            "on": turn_on,
            "off": turn_off,
            "time": times_button,
            "clear": clear_times,
            "days": days_button,
            "quiet": quiet_button,
            "sum": summary_button,
            "pause": pause_button,
            "resume": resume_button,
        },
        steps={
            SettingsState.TIMES: Step(on_text=times_text, reminder="settings.times_help"),
            SettingsState.QUIET: Step(on_text=quiet_text, reminder="settings.quiet_help"),
            SettingsState.SUMMARY: Step(on_text=summary_text, reminder="settings.summary_help"),
        },
        on_cancel=cancel,
    )
