"""The database locked or out of reach for a few seconds: "one moment", then stored, or
told plainly it was not saved; never lost in silence.

On SQLite another connection holds the write lock (``BEGIN EXCLUSIVE``); on PostgreSQL
another connection locks the people and ratings tables, and the bot's waiting connections
are ended by the server (``pg_terminate_backend``), as when it restarts.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.storage import db
from bot.storage.availability import ATTEMPT_LOCK_WAIT, database_unavailable
from bot.storage.db import create_engine
from bot.storage.models import MoodRating
from bot.ui.texts import t
from tests.support import postgres
from tests.support.harness import Harness, onboard

PEOPLE = [7101, 7102, 7103, 7104, 7105]
ONE_MOMENT = t("fallback.one_moment")
NOT_SAVED = t("fallback.not_saved")


def note_of(person: int) -> str:
    """The words each person sends with their rating."""
    return f"a slow walk home, {person}"


class Lock:
    """Another connection's lock on what the bot writes, held until ``release``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite: sqlite3.Connection | None = None
        self.pg: Any = None

    async def take(self) -> None:
        """Lock the database file (SQLite), or the people and ratings tables (PostgreSQL)."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite":
            self.sqlite = sqlite3.connect(parsed.database or "", isolation_level=None)
            self.sqlite.execute("BEGIN EXCLUSIVE")
            return
        self.pg = await postgres.connect(self.url)
        await self.pg.execute("BEGIN")
        await self.pg.execute("LOCK TABLE users, mood_ratings IN ACCESS EXCLUSIVE MODE")

    async def end_waiting_connections(self) -> int:
        """PostgreSQL: end every other connection to this database, as a restart would."""
        if self.pg is None:
            return 0
        ended = await self.pg.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(ended)

    async def release(self) -> None:
        """Let the bot write again."""
        if self.sqlite is not None:
            self.sqlite.execute("ROLLBACK")
            self.sqlite.close()
            self.sqlite = None
        if self.pg is not None:
            await self.pg.execute("ROLLBACK")
            await self.pg.close()
            self.pg = None


@asynccontextmanager
async def locked(url: str) -> AsyncIterator[Lock]:
    """The database locked by another connection for the length of the block (or less)."""
    lock = Lock(url)
    await lock.take()
    try:
        yield lock
    finally:
        await lock.release()


async def stored_notes(h: Harness) -> list[str | None]:
    async with h.session() as session:
        return [r.note for r in (await session.exec(select(MoodRating))).all()]


async def test_a_locked_database_means_one_moment_then_everything_is_stored(
    harness: Harness,
) -> None:
    h = harness
    for person in PEOPLE:
        await onboard(h, person)
    marks = {person: h.emulator.mark(person) for person in PEOPLE}
    async with locked(h.settings.database_url) as lock:
        for person in PEOPLE:
            h.emulator.send_text(person, f"/mood 6 {note_of(person)}")
        told_at = []
        for person in PEOPLE:  # each is told soon that an answer is coming
            (first,) = await h.replies(person, 1, after=marks[person], timeout=10)
            assert first.text == ONE_MOMENT
            told_at.append(time.monotonic())
        # all together after one lock wait, not one after another (SQLite's turns)
        spread = told_at[-1] - told_at[0]
        print(f"\n{len(PEOPLE)} people told one moment within {spread:.2f} s of each other")
        assert spread < ATTEMPT_LOCK_WAIT
        ended = await lock.end_waiting_connections()
        if lock.pg is not None:
            assert ended >= 1  # the bot's connections, waiting on the lock, were cut
    for person in PEOPLE:
        first, answer = await h.replies(person, 2, after=marks[person], timeout=15)
        assert first.text == ONE_MOMENT
        assert answer.text not in {ONE_MOMENT, NOT_SAVED}
    await h.settled()
    notes = await stored_notes(h)
    assert sorted(n for n in notes if n) == sorted(note_of(p) for p in PEOPLE)  # each once
    for person in PEOPLE:  # told once only
        texts = [m.text for m in h.emulator.chat_messages(person) if m.message_id > marks[person]]
        assert texts.count(ONE_MOMENT) == 1 and NOT_SAVED not in texts


async def test_a_database_away_too_long_is_said_plainly_and_nothing_half_stored(
    harness: Harness,
) -> None:
    h = harness
    h.settings = replace(h.settings, database_wait_seconds=3.0)
    await h.restart()
    person = PEOPLE[0]
    await onboard(h, person)
    mark = h.emulator.mark(person)
    async with locked(h.settings.database_url):
        h.emulator.send_text(person, f"/mood 6 {note_of(person)}")
        waiting, told = await h.replies(person, 2, after=mark, timeout=15)
        assert (waiting.text, told.text) == (ONE_MOMENT, NOT_SAVED)
    await h.settled()
    assert await stored_notes(h) == []
    # once the database is back, sending it again stores it, without a word of waiting
    answer = await h.say(person, f"/mood 6 {note_of(person)}")
    assert answer.text not in {ONE_MOMENT, NOT_SAVED}
    assert await stored_notes(h) == [note_of(person)]


async def test_a_button_pressed_while_the_database_is_away_stops_spinning(
    harness: Harness,
) -> None:
    h = harness
    h.settings = replace(h.settings, database_wait_seconds=2.0)
    await h.restart()
    person = PEOPLE[0]
    await onboard(h, person)
    await h.say(person, "/mood")
    mark = h.emulator.mark(person)
    async with locked(h.settings.database_url):
        query = h.emulator.press(person, "6")
        await h.emulator.wait_callback_answered(query, timeout=15)
        (told,) = await h.replies(person, 1, after=mark, timeout=15)
        await asyncio.wait_for(h.app.update_queue.join(), 15)
    texts = [m.text for m in h.emulator.chat_messages(person) if m.message_id > mark]
    assert told.text in {ONE_MOMENT, NOT_SAVED} and texts[-1] == NOT_SAVED
    async with h.session() as session:
        assert (await session.exec(select(MoodRating))).all() == []


async def test_words_of_danger_get_help_at_once_while_the_database_is_locked(
    harness: Harness,
) -> None:
    h = harness
    person = PEOPLE[0]
    await onboard(h, person)
    mark = h.emulator.mark(person)
    async with locked(h.settings.database_url):
        h.emulator.send_text(person, "I want to kill myself tonight")
        (help_now,) = await h.replies(person, 1, after=mark, timeout=10)
        await asyncio.wait_for(h.app.update_queue.join(), 10)  # answered, nothing more tried
    assert help_now.text not in {ONE_MOMENT, NOT_SAVED}
    assert "emergency" in help_now.text.lower() or "call" in help_now.text.lower()
    await h.settled()
    texts = [m.text for m in h.emulator.chat_messages(person) if m.message_id > mark]
    assert texts == [help_now.text]


async def test_a_refused_connection_counts_as_the_database_away() -> None:
    engine = create_engine("postgresql://postgres@127.0.0.1:1/nothing_listens_here")
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception as error:  # what the bot's update would meet
        assert database_unavailable(error)
    else:
        raise AssertionError("a connection to port 1 was accepted")
    finally:
        await engine.dispose()
    assert not database_unavailable(ValueError("a bug"))


async def _end_the_bots_connections(h: Harness) -> None:
    """End the bot's pooled connections, as a quick restart of the server would."""
    admin = await postgres.connect(h.settings.database_url)
    try:
        ended = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert ended >= 1


@pytest.mark.parametrize("idle", ["used a moment ago", "idle for a while"])
async def test_connections_the_server_ended_while_unused_cost_the_person_nothing(
    harness: Harness, idle: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    if make_url(h.settings.database_url).get_backend_name() != "postgresql":
        return  # SQLite has no server to end connections
    if idle == "idle for a while":  # tried before use: found gone, replaced before the update
        monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)
    caplog.set_level(logging.INFO, logger="bot.storage.availability")
    person = PEOPLE[0]
    await onboard(h, person)
    await h.settled()
    mark = h.emulator.mark(person)
    await _end_the_bots_connections(h)
    h.emulator.send_text(person, f"/mood 6 {note_of(person)}")
    (answer, *_) = await h.replies(person, 1, after=mark, timeout=10)
    assert answer.text not in {ONE_MOMENT, NOT_SAVED}
    await h.settled()
    texts = [m.text for m in h.emulator.chat_messages(person) if m.message_id > mark]
    assert ONE_MOMENT not in texts and NOT_SAVED not in texts  # a fresh one, unnoticed
    assert await stored_notes(h) == [note_of(person)]
    tried_again = "connection was gone" in caplog.text
    assert tried_again == (idle == "used a moment ago")
