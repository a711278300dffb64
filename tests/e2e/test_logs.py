"""Logs of a whole session at DEBUG hold no Telegram id, no word a person wrote, no token."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from bot.config import Secret
from bot.core.log_ids import LOG_ID_LENGTH, log_id
from bot.logs import REDACTED, TelegramPayloadFilter, configure_logging
from tests.e2e.test_checkins import pending_checkin, set_schedule
from tests.support.harness import Harness, onboard, practice_steps

USER = 7_310_482_965  # a long id, distinctive in any line that would hold it
OTHER = 5_820_391_774
DIFFICULTY = "Philippa keeps reading my diary"
NEED = "you may rest now, Cornelius"
NOTE = "rained on the allotment at Wexcombe"
CHECKIN_NOTE = "argued with Rosalind about the van"
WORDS = (DIFFICULTY, NEED, NOTE, CHECKIN_NOTE)
NOISY = ("telegram", "httpx", "httpcore", "apscheduler", "sqlalchemy", "aiosqlite", "asyncpg")


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """The logger levels and root handler filters as they were before the test."""
    levels = {name: logging.getLogger(name).level for name in NOISY}
    root = logging.getLogger()
    filters = {id(h): list(h.filters) for h in root.handlers}
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for handler in root.handlers:
            handler.filters = filters.get(id(handler), [])


async def _break(h: Harness, user_id: int) -> None:
    mark = h.emulator.mark(user_id)
    h.emulator.send_text(user_id, "/break")
    await h.replies(user_id, 2, after=mark)
    await h.tap(user_id, "4")
    mark = h.emulator.mark(user_id)
    h.emulator.send_text(user_id, DIFFICULTY)
    await h.replies(user_id, 2, after=mark)
    await practice_steps(h, user_id)
    mark = h.emulator.mark(user_id)
    h.emulator.send_text(user_id, NEED)
    await h.replies(user_id, 2, after=mark)
    await h.tap(user_id, "7")


async def _checkin(h: Harness, user_id: int) -> None:
    await set_schedule(h, user_id, [time(9, 0)])
    pending = await pending_checkin(h)
    assert pending is not None
    h.clock.set(pending.due_at)
    mark = h.emulator.mark(user_id)
    await h.dispatch()
    (prompt,) = await h.replies(user_id, 1, after=mark)
    assert "3" in dict(h.emulator.buttons(prompt))
    await h.tap(user_id, "3")
    await h.tap(user_id, "tired", expect=0)
    await h.tap(user_id, "Done")
    mark = h.emulator.mark(user_id)
    h.emulator.send_text(user_id, CHECKIN_NOTE)
    await h.replies(user_id, 2, after=mark)


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record the bot wrote, as a handler would print it (message and traceback)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(
        formatter.format(r) for r in caplog.records if not r.name.startswith("bot.emulator")
    )


async def test_a_whole_session_at_debug_logs_nobody(
    harness: Harness, caplog: pytest.LogCaptureFixture, logging_restored: None
) -> None:
    h = harness
    h.settings = replace(h.settings, telegram_bot_token=Secret(h.emulator.token), log_level="DEBUG")
    with caplog.at_level(logging.DEBUG):
        configure_logging(h.settings)  # as the bot does at start, on the handlers of the test
        await h.restart()  # start-up is logged too
        h.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
        await onboard(h, USER)
        await onboard(h, OTHER)
        await _break(h, USER)
        await h.say(USER, f"/mood 6 {NOTE}")
        await _checkin(h, USER)
        await h.say(OTHER, "/help")
        await h.settled()
    logged = _logged(caplog)
    assert logging.getLogger("telegram").getEffectiveLevel() == logging.DEBUG
    assert "Processing update" in logged  # python-telegram-bot did log, redacted
    assert REDACTED in logged
    for words in WORDS:
        assert words not in logged, words
        for piece in words.split():
            if len(piece) > 6:
                assert piece not in logged, piece
    for person in (USER, OTHER):
        assert str(person) not in logged
    assert h.emulator.token not in logged
    assert h.emulator.token.split(":")[1] not in logged


def test_a_log_id_is_a_short_keyed_hash() -> None:
    first = log_id(USER, "key one, at least sixteen")
    assert len(first) == LOG_ID_LENGTH and str(USER) not in first
    assert first == log_id(USER, "key one, at least sixteen")
    assert first != log_id(USER, "key two, at least sixteen")
    assert first != log_id(OTHER, "key one, at least sixteen")


def test_a_failed_batch_of_updates_is_logged_without_its_data() -> None:
    record = logging.LogRecord(
        "telegram.ext.Updater",
        logging.CRITICAL,
        __file__,
        1,
        "Error while parsing updates! Received data was %r",
        ([{"update_id": 1, "message": {"text": DIFFICULTY, "chat": {"id": USER}}}],),
        None,
    )
    assert TelegramPayloadFilter().filter(record)
    message = record.getMessage()
    assert "Error while parsing updates" in message and REDACTED in message
    assert DIFFICULTY not in message and str(USER) not in message
    numbers = logging.LogRecord(
        "telegram.ext.Updater", logging.DEBUG, __file__, 1, "update %d of chat %d", (3, USER), None
    )
    TelegramPayloadFilter().filter(numbers)
    assert numbers.getMessage() == f"update 3 of chat {REDACTED}"
