"""The emulator package stands alone: it imports nothing of the product under ``bot/``."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.emulator

PACKAGE = Path(bot.emulator.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in ``path`` names (relative: ".")."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." if node.level else node.module or "")
    return names


def test_emulator_imports_only_itself_from_bot() -> None:
    outside = {
        f"{path.name}: {name}"
        for path in sorted(PACKAGE.glob("*.py"))
        for name in imported_modules(path)
        if (name == "bot" or name.startswith("bot."))
        and not (name == "bot.emulator" or name.startswith("bot.emulator."))
    }
    assert outside == set()
