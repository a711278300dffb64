"""The commands a person can send: one list for Telegram's menu, /help and the README."""

from __future__ import annotations

from bot.ui.texts import t

# the command menu Telegram shows, in this order (each must be handled by a flow)
MENU_COMMANDS = (
    "break",
    "practices",
    "mood",
    "checkins",
    "summary",
    "history",
    "pause",
    "resume",
    "sos",
    "urgent",
    "safetyplan",
    "timezone",
    "privacy",
    "export",
    "delete",
    "help",
    "start",
    "cancel",
)


def help_text(language: str | None = None) -> str:
    """/help: every command of the menu with its one-line description, then the credit."""
    lines = [f"/{command} — {t(f'commands.{command}', language)}" for command in MENU_COMMANDS]
    return "\n\n".join([t("help.intro", language), "\n".join(lines), t("help.credit", language)])
