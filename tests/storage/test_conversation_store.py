"""Conversation rows: two updates racing from the same state cannot both move it on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage import conversations, crud
from bot.storage.db import create_engine, migrate, session_factory
from tests.support.harness import TEST_KEY

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_only_the_first_of_two_racing_updates_moves_the_conversation(
    database_url: str,
) -> None:
    engine = create_engine(database_url, keys=[TEST_KEY])
    await migrate(engine)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            user = (
                await crud.touch_user(
                    session, telegram_id=9, first_name="Kim", language_code="en", now=NOW
                )
            ).user
            assert user.id is not None
            assert await conversations.save_conversation(
                session,
                user_id=user.id,
                flow="break",
                state="mood_before",
                ref=1,
                now=NOW,
                expires_at=NOW + timedelta(minutes=30),
                expected_version=None,
            )
            await session.commit()
        # two instances read the same row ...
        async with sessions() as first, sessions() as second:
            seen_first = await conversations.get_conversation(first, user_id=user.id)
            seen_second = await conversations.get_conversation(second, user_id=user.id)
            assert seen_first is not None and seen_second is not None
            version = seen_first.version
            # ... the first moves it on and commits ...
            assert await conversations.save_conversation(
                first,
                user_id=user.id,
                flow="break",
                state="difficulty",
                ref=1,
                now=NOW,
                expires_at=NOW + timedelta(minutes=30),
                expected_version=version,
            )
            await first.commit()
            # ... so the second, from the same state, cannot
            assert not await conversations.save_conversation(
                second,
                user_id=user.id,
                flow="break",
                state="difficulty",
                ref=1,
                now=NOW,
                expires_at=NOW + timedelta(minutes=30),
                expected_version=seen_second.version,
            )
            assert not await conversations.delete_conversation(
                second, user_id=user.id, expected_version=seen_second.version
            )
            await second.rollback()
        async with sessions() as session:
            stored = await conversations.get_conversation(session, user_id=user.id)
            assert stored is not None and (stored.state, stored.version) == (
                "difficulty",
                version + 1,
            )
    finally:
        await engine.dispose()
