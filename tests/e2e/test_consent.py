"""Consent first: nothing a person writes is stored before they agree; /sos always works."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import SQLModel, select

from bot.storage.models import MoodRating, User
from tests.support.harness import Harness

USER = 7007


async def _row_count(h: Harness) -> int:
    """Rows in every table but Alembic's."""
    async with h.session() as session:
        total = 0
        for table in SQLModel.metadata.sorted_tables:
            total += (await session.exec(sa.select(sa.func.count()).select_from(table))).one()[0]  # type: ignore[call-overload]
        return total


async def test_not_now_stores_nothing_and_sos_still_works(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER)
    ask = await h.say(USER, "/start")
    for words in ("What I keep", "Why", "Where", "Who can read it", "/delete", "adults"):
        assert words in ask.text
    assert [label for label, _ in h.emulator.buttons(ask)] == [
        "I agree",
        "Tell me more",
        "Not now",
        "I'm under 18",
    ]
    (not_now,) = await h.tap(USER, "Not now")
    assert "Nothing is stored" in not_now.text and "/sos" in not_now.text
    again = await h.say(USER, "my mother is visiting and I dread it")
    assert "need your yes" in again.text
    await h.say(USER, "/mood 3 tired")
    sos = await h.say(USER, "/sos")
    assert "emergency" in sos.text
    danger = await h.say(USER, "I want to kill myself tonight")
    assert "emergency" in danger.text.lower() or "call" in danger.text.lower()
    assert await _row_count(h) == 0


async def test_help_before_a_yes_says_what_the_bot_does_then_asks(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/help")
    help_page, ask = await h.replies(USER, 2, after=mark)
    assert "/break" in help_page.text and "/sos" in help_page.text
    assert h.emulator.buttons(help_page) == []  # its menu would only lead to the question
    assert "need your yes" in ask.text
    assert h.emulator.buttons(ask)[0][0] == "I agree"
    assert await _row_count(h) == 0


async def test_tell_me_more_shows_the_privacy_page_then_agreeing_starts(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER, first_name="Noor")
    await h.say(USER, "/start")
    (more,) = await h.tap(USER, "Tell me more")
    assert "encrypted" in more.text and "How long" in more.text
    _thanks, welcome, ask_zone = await h.tap(USER, "I agree", expect=3)
    assert "Noor" in welcome.text
    assert "Berlin" in [label for label, _ in h.emulator.buttons(ask_zone)]
    async with h.session() as session:
        (user,) = (await session.exec(select(User))).all()
    assert user.consented_at == h.clock.now()


async def test_under_18_gets_a_child_helpline_and_nothing_is_stored(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER, language_code="en-GB")
    await h.say(USER, "/start")
    (answer,) = await h.tap(USER, "I'm under 18")
    assert "Childline" in answer.text and "0800 1111" in answer.text  # from violence_lines.json
    assert "childhelplineinternational.org" in answer.text
    assert await _row_count(h) == 0


async def test_someone_here_before_consent_is_asked_once_and_keeps_everything(
    harness: Harness,
) -> None:
    h = harness
    h.emulator.add_user(USER)
    before = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    async with h.session() as session:
        user = User(
            telegram_id=USER,
            first_name="Ana",
            time_zone="Europe/Lisbon",
            created_at=before,
            last_seen_at=before,
        )
        session.add(user)
        await session.flush()
        assert user.id is not None
        session.add(MoodRating(user_id=user.id, value=5, kind="quick", note="old", rated_at=before))
        await session.commit()
    ask = await h.say(USER, "/mood 7")
    assert "need your yes" in ask.text
    _thanks, back, _menu = await h.tap(USER, "I agree", expect=3)
    assert "Ana" in back.text  # a welcome back: nothing reset
    await h.say(USER, "/mood 7")
    async with h.session() as session:
        ratings = (await session.exec(select(MoodRating).order_by(MoodRating.id))).all()  # type: ignore[arg-type]
        (user,) = (await session.exec(select(User))).all()
    assert [(r.value, r.note) for r in ratings] == [(5, "old"), (7, None)]
    assert user.consented_at is not None and user.time_zone == "Europe/Lisbon"
