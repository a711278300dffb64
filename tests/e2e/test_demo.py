"""The offline demo: a person completes a break by typing in the terminal chat."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select

from bot.config import Settings
from bot.demo import TerminalChat, run_demo, with_demo_key
from bot.emulator import BotApiEmulator, BotMessage
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Break, BreakStatus
from tests.support.harness import FakeClock


class Screen:
    """The terminal: collects what the demo prints; a reader waits until text shows up."""

    def __init__(self) -> None:
        self.text = ""
        self.changed = threading.Condition()

    def write(self, chunk: str) -> int:
        with self.changed:
            self.text += chunk
            self.changed.notify_all()
        return len(chunk)

    def flush(self) -> None:
        return None

    def wait_for(self, needle: str, start: int, timeout: float = 10.0) -> int:
        with self.changed:
            found = self.changed.wait_for(lambda: needle in self.text[start:], timeout)
        assert found, f"{needle!r} never appeared; screen ends with:\n{self.text[-800:]}"
        return self.text.index(needle, start) + len(needle)

    def reader(self, script: list[tuple[str, str | Callable[[], str]]]) -> Callable[[], str]:
        """Type each line once its cue shows up; a callable acts, then waits for the next cue."""
        position = 0

        def read_line() -> str:
            nonlocal position
            while script:
                needle, action = script.pop(0)
                position = self.wait_for(needle, position)
                if isinstance(action, str):
                    return action + "\n"
                action()
            return ""

        return read_line


async def test_a_break_in_the_terminal_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    settings = Settings(telegram_bot_token=None, database_url=url, chart_dir=tmp_path / "charts")
    screen = Screen()
    script = [
        ("Start with /start", "/start"),
        ("for adults", "I agree"),
        ("which time zone", "Berlin"),
        ("send /break", "/break"),
        ("how are you feeling right now", "4"),
        ("weighing on you", "a busy day on the ward"),
        ("Step 1", "a"),  # [a] Next
        ("Step 2", "next"),  # or its label
        ("Step 3", "a"),
        ("need to hear", "You are doing enough"),
        ("And now", "7"),
        ("from 4 to 7", "/quit"),
    ]
    read_line = screen.reader(script)

    assert await run_demo(settings, read_line=read_line, out=screen) == 0  # type: ignore[arg-type]
    assert "Take care" in screen.text
    engine = create_engine(url, keys=with_demo_key(settings, tmp_path).encryption_keys)
    async with session_factory(engine)() as session:
        (break_row,) = (await session.exec(select(Break))).all()
    await engine.dispose()
    assert (break_row.status, break_row.mood_before, break_row.mood_after) == (
        BreakStatus.COMPLETED,
        4,
        7,
    )
    assert break_row.difficulty == "a busy day on the ward"


async def test_a_checkin_set_a_minute_ahead_arrives_in_the_demo(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # 11:00 in Berlin
    settings = Settings(
        telegram_bot_token=None,
        database_url=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        chart_dir=tmp_path / "charts",
        dispatch_interval_seconds=0.05,  # the job runs often; the fake clock decides what is due
    )
    screen = Screen()

    def advance_clock() -> str:
        clock.advance(minutes=1)
        return ""

    script: list[tuple[str, str | Callable[[], str]]] = [
        ("Start with /start", "/start"),
        ("for adults", "I agree"),
        ("which time zone", "Berlin"),
        ("Set up check-ins", "Set up check-ins"),
        ("Check-ins are off", "Times"),
        ("up to 4 a day", "11:01"),
        ("Check-ins are on now", "Back"),  # the first time added turns them on
        ("Next check-in: today at 11:01", advance_clock),
        ("how are you feeling", "6"),
        ("fit how you feel", "/quit"),
    ]
    read_line = screen.reader(script)

    assert await run_demo(settings, read_line=read_line, out=screen, clock=clock) == 0  # type: ignore[arg-type]
    assert "11:01" in screen.text


async def test_the_demo_types_what_it_shows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    settings = Settings(telegram_bot_token=None, database_url=url, chart_dir=tmp_path / "charts")
    screen = Screen()
    script = [
        ("Start with /start", "/start"),
        ("for adults", "I agree"),
        ("which time zone", "Berlin"),
        ("send /break", "/break"),
        ("10  [a] Skip  [b] Stop for now", "11"),  # not a button: sent as text, kindly refused
        ("from 0 to 10", "x" * 5000),
        ("not sent: Telegram takes at most 4,096 characters", "b"),  # [b] Stop for now
        ("updated, no buttons now", "/quit"),  # the closed scale is shown as such
    ]
    read_line = screen.reader(script)

    assert await run_demo(settings, read_line=read_line, out=screen) == 0  # type: ignore[arg-type]
    assert "this one has 5,000" in screen.text
    engine = create_engine(url, keys=with_demo_key(settings, tmp_path).encryption_keys)
    async with session_factory(engine)() as session:
        (break_row,) = (await session.exec(select(Break))).all()
    await engine.dispose()
    assert (
        break_row.mood_before is None and break_row.status == BreakStatus.ABANDONED
    )  # "11" rated nothing


def test_a_notice_answering_a_tap_is_shown_as_such(tmp_path: Path) -> None:
    screen = Screen()
    chat = TerminalChat(BotApiEmulator(), tmp_path, screen)  # type: ignore[arg-type]
    chat.on_event(
        "answer", BotMessage(1, 0, "That button is from an earlier step.", None, None, False, False)
    )
    assert "(notice) That button is from an earlier step." in screen.text
