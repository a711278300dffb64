"""One list of commands: Telegram's menu, /help and the README say the same."""

from __future__ import annotations

import re
from pathlib import Path

from bot.ui.commands import MENU_COMMANDS, help_text

README = Path(__file__).resolve().parents[2] / "README.md"


def test_help_lists_every_command_of_the_menu() -> None:
    text = help_text()
    for command in MENU_COMMANDS:
        assert f"/{command} — " in text
    assert "/pause" in text and "/resume" in text
    assert "Neff" in text


def test_the_readme_lists_every_command_of_the_menu() -> None:
    table = README.read_text(encoding="utf-8").split("## What a person can do", 1)[1]
    table = table.split("\n## ", 1)[0]
    listed = set(re.findall(r"`/([a-z]+)", table))
    assert set(MENU_COMMANDS) <= listed, set(MENU_COMMANDS) - listed
