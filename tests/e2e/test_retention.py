"""RETENTION_MONTHS: the hourly job deletes entries older than that, on the harness clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.emulator import BotApiEmulator
from bot.jobs import RETENTION_JOB
from bot.storage.models import ScreenHit
from bot.storage.practice_models import GratitudeEntry, PracticeAnswer, PracticeSession
from tests.support.factories import create_break, create_rating, user_by_telegram_id
from tests.support.harness import FakeClock, Harness, make_settings, onboard

USER = 9301
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
TABLES = (
    "mood_ratings",
    "breaks",
    "practice_sessions",
    "practice_answers",
    "gratitude_entries",
    "screen_hits",
)


@pytest.fixture
async def keeping_six_months(
    emulator: BotApiEmulator, database_url: str, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[Harness]:
    """A bot that keeps entries for six months."""
    settings = make_settings(database_url, tmp_path, retention_months=6)
    h = Harness(emulator=emulator, settings=settings, clock=clock)
    clock.set(NOW)
    await h.start()
    try:
        yield h
    finally:
        for app in list(h.apps):
            await h.stop(app)


async def seed_at(h: Harness, at: datetime, word: str) -> None:
    """A rating, a break with its ratings, a practice with an answer, a note and a screen hit."""
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=USER)
        assert user.id is not None
        await create_rating(session, user_id=user.id, value=5, at=at, note=word)
        await create_break(session, user_id=user.id, started_at=at, before=3, after=6)
        practice = PracticeSession(
            user_id=user.id, kind="critic", started_at=at, status="completed"
        )
        session.add(practice)
        await session.flush()
        session.add(
            PracticeAnswer(session_id=practice.id or 0, step="critic", text=word, created_at=at)
        )
        session.add(GratitudeEntry(user_id=user.id, text=word, created_at=at))
        session.add(
            ScreenHit(user_id=user.id, at=at, level="concern", categories="burden", place="message")
        )
        await session.commit()


async def counts(h: Harness) -> dict[str, int]:
    async with h.session() as session:
        return {
            table: (await session.exec(sa.text(f"SELECT count(*) FROM {table}"))).one()[0]  # type: ignore[call-overload]
            for table in TABLES
        }


async def test_entries_older_than_six_months_go(keeping_six_months: Harness) -> None:
    h = keeping_six_months
    await onboard(h, USER)
    await seed_at(h, datetime(2026, 5, 9, 23, 0, tzinfo=UTC), "old")  # a day more than six months
    await seed_at(h, datetime(2026, 5, 10, 10, 0, tzinfo=UTC), "recent")  # less than six months
    one_each = {
        "mood_ratings": 3,
        "breaks": 1,
        "practice_sessions": 1,
        "practice_answers": 1,
        "gratitude_entries": 1,
        "screen_hits": 1,
    }
    assert await counts(h) == {t: 2 * n for t, n in one_each.items()}
    await h.run_job(RETENTION_JOB)
    assert (
        await counts(h) == one_each
    )  # the break's ratings and the practice's answer went with them
    await h.run_job(RETENTION_JOB)  # nothing more to do
    assert await counts(h) == one_each
    h.clock.advance(days=1)
    await h.run_job(RETENTION_JOB)
    assert await counts(h) == dict.fromkeys(TABLES, 0)
    reply = await h.say(USER, "/mood 6")  # the person is still here
    assert "6" in reply.text


async def test_without_the_setting_nothing_is_deleted(harness: Harness) -> None:
    h = harness
    h.clock.set(NOW)
    await onboard(h, USER)
    await seed_at(h, NOW - timedelta(days=800), "ancient")
    assert not h.app.job_queue or not h.app.job_queue.get_jobs_by_name(RETENTION_JOB)
    assert (await counts(h))["mood_ratings"] == 3


async def test_privacy_says_how_long_entries_are_kept(keeping_six_months: Harness) -> None:
    h = keeping_six_months
    await onboard(h, USER)
    page = await h.say(USER, "/privacy")
    assert "until you delete it, or 6 months at most" in page.text
