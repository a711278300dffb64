"""The offline demo: the real bot against the local Bot API emulator, chatted with in a terminal."""

from __future__ import annotations

import asyncio
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.app import ALLOWED_UPDATES, build_application
from bot.clock import Clock
from bot.config import Secret, Settings
from bot.emulator import BotApiEmulator, BotMessage, buttons
from bot.storage.db import sqlite_folder

DEMO_USER_ID = 4242
HINT = (
    "Kindbreak demo — you're chatting with the real bot through a local stand-in for Telegram.\n"
    "Type a message or a /command. To tap a button, type its letter (or its label);\n"
    "on a 0-10 scale, type the number.\n"
    "Start with /start. Ctrl-D or /quit leaves.\n"
)


MAX_MESSAGE = 4096  # what a Telegram app lets a person send in one message


def with_demo_key(settings: Settings, folder: Path) -> Settings:
    """The demo's settings with a key: the one in ``folder``, made there on first run."""
    if settings.data_encryption_keys:
        return settings
    from cryptography.fernet import Fernet

    path = folder / "encryption.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode("ascii") + "\n", encoding="ascii")
        path.chmod(0o600)
    key = path.read_text(encoding="ascii").strip()
    return replace(settings, data_encryption_keys=(Secret(key),))


def _indented(message: BotMessage) -> list[str]:
    return [f"  {line}" for line in (message.text or "").splitlines()]


def _shown_labels(keys: list[tuple[str, str]]) -> list[str]:
    """Number buttons (a 0-10 scale) are typed as their value; the others get letters."""
    shown, letter = [], 0
    for label, _data in keys:
        if label.isdigit():
            shown.append(label)
        else:
            shown.append(f"[{chr(ord('a') + letter)}] {label}")
            letter += 1
    return shown


def _plain(label: str) -> str:
    """A label without arrows, ticks and emoji, in lower case ("‹ Back" -> "back")."""
    return " ".join(re.sub(r"[^\w:/ ]+", "", label).lower().split())


class TerminalChat:
    """Prints what the bot sends and turns typed lines into messages or button taps."""

    def __init__(self, emulator: BotApiEmulator, chart_dir: Path, out: TextIO = sys.stdout) -> None:
        self.emulator = emulator
        self.chart_dir = chart_dir
        self.out = out
        self.lock = threading.Lock()
        self.keyboard: list[tuple[str, str]] = []
        self.keyboard_message: int | None = None

    def on_event(self, kind: str, message: BotMessage) -> None:
        """Show a new or edited bot message, a notice answering a tap, or closed buttons."""
        if kind == "answer":
            self._write(["", f"  (notice) {message.text}"])
            return
        if kind != "new" and (kind == "delete" or not buttons(message)):
            if message.message_id == self.keyboard_message:
                with self.lock:
                    self.keyboard, self.keyboard_message = [], None
            if kind == "edit":
                self._write(["", "Kindbreak (updated, no buttons now):", *_indented(message)])
            return
        lines = ["", "Kindbreak:" if kind == "new" else "Kindbreak (updated):"]
        if message.photo is not None:
            self.chart_dir.mkdir(parents=True, exist_ok=True)
            path = self.chart_dir / f"chart-{message.message_id}.png"
            path.write_bytes(message.photo)
            lines.append(f"[picture saved to {path}]")
        lines.extend(_indented(message))
        keys = buttons(message)
        if keys:
            with self.lock:
                self.keyboard, self.keyboard_message = keys, message.message_id
            lines.append("  " + "  ".join(_shown_labels(keys)))
        self._write(lines)

    def _write(self, lines: list[str]) -> None:
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()

    def choose(self, line: str) -> str | None:
        """The callback data of the button ``line`` picks, if it picks one."""
        with self.lock:
            keys = list(self.keyboard)
        wanted = _plain(line)
        for label, data in keys:
            if _plain(label) == wanted:
                return data
        lettered = [data for label, data in keys if not label.isdigit()]
        if len(wanted) == 1 and "a" <= wanted <= "z" and ord(wanted) - ord("a") < len(lettered):
            return lettered[ord(wanted) - ord("a")]
        return None

    def handle(self, line: str) -> None:
        """Send one typed line as a button tap or a message (refusing what Telegram refuses)."""
        if len(line) > MAX_MESSAGE:
            self._write(
                [
                    "",
                    f"  (not sent: Telegram takes at most {MAX_MESSAGE:,} characters"
                    f" in a message; this one has {len(line):,})",
                ]
            )
            return
        data = self.choose(line)
        if data is not None and self.keyboard_message is not None:
            self.emulator.press_button(DEMO_USER_ID, self.keyboard_message, data)
        else:
            self.emulator.send_text(DEMO_USER_ID, line)


async def run_demo(
    settings: Settings,
    *,
    read_line: Callable[[], str] | None = None,
    out: TextIO = sys.stdout,
    clock: Clock | None = None,
) -> int:
    """Start the emulator and the bot, then chat until end of input."""
    reader = read_line or sys.stdin.readline
    # the demo's own key, beside its database, made on first run
    settings = with_demo_key(settings, sqlite_folder(settings.database_url) or Path("data"))
    with BotApiEmulator() as emulator:
        emulator.add_user(DEMO_USER_ID, first_name="friend")
        chat = TerminalChat(emulator, settings.chart_dir, out)
        emulator.add_listener(chat.on_event)
        app = build_application(
            settings, token=emulator.token, api_url=emulator.api_url, clock=clock
        )
        out.write(HINT)
        out.flush()
        async with app:
            assert app.post_init is not None and app.post_shutdown is not None
            await app.post_init(app)  # run_polling would call these; here we start by hand
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0.0, timeout=5, allowed_updates=ALLOWED_UPDATES
            )
            try:
                while True:
                    line = await asyncio.to_thread(reader)
                    if not line or line.strip() in {"/quit", "/exit"}:
                        break
                    if line.strip():
                        chat.handle(line.rstrip("\n"))
            finally:
                await app.updater.stop()
                await app.stop()
                await app.post_shutdown(app)
    out.write("\nTake care. 🌿\n")
    return 0
