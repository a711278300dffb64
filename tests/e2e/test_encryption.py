"""Encryption at rest: nothing a person wrote is readable in the database without the key."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, select

from bot.config import Secret
from bot.storage.db import alembic_config, create_engine, migrate, sqlite_folder
from bot.storage.encryption import TOKEN_PREFIX, Cipher, WrongKeyError, new_key
from bot.storage.keys import rotate_all
from bot.storage.models import Break, MoodRating, SafetyPlan, User
from tests.support.harness import TEST_KEY, Harness, onboard, practice_steps

USER = 9101
NOTE = "walked by the canal with Quentin"
DIFFICULTY = "Marguerite forgot my birthday again"
NEED = "you are allowed to rest, Bartholomew"
SIGNS = "pacing the hallway at Ingleby"
GRATEFUL = "the plum tree Ottoline planted"
NAME = "Perpetua"  # their Telegram first name
WORDS = (NOTE, DIFFICULTY, NEED, SIGNS, GRATEFUL, NAME)


async def _write_everything(h: Harness) -> None:
    await onboard(h, USER, first_name=NAME)
    await h.say(USER, f"/mood 6 {NOTE}")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "4")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, DIFFICULTY)
    await h.replies(USER, 2, after=mark)
    await practice_steps(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, NEED)
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "7")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/safetyplan")
    await h.replies(USER, 2, after=mark)
    await h.say(USER, SIGNS)
    await h.say(USER, "/cancel")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/gratitude")
    await h.replies(USER, 2, after=mark)
    await h.say(USER, GRATEFUL)
    await h.tap(USER, "That's all", expect=2)


async def _raw_rows(url: str) -> str:
    """Every row of every table as the database holds it (no key: the tokens themselves)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            dumped = []
            for table in SQLModel.metadata.sorted_tables:
                rows = (await conn.execute(sa.text(f'SELECT * FROM "{table.name}"'))).all()
                dumped.extend(repr(tuple(r)) for r in rows)
    finally:
        await engine.dispose()
    return "\n".join(dumped)


async def test_no_written_word_is_readable_in_the_database(harness: Harness) -> None:
    h = harness
    await _write_everything(h)
    async with h.session() as session:  # with the key, the bot reads them as written
        assert (await session.exec(select(Break))).one().difficulty == DIFFICULTY
        notes = [r.note for r in (await session.exec(select(MoodRating))).all()]
        assert NOTE in notes
        assert (await session.exec(select(SafetyPlan))).one().warning_signs == SIGNS
        assert (await session.exec(select(User))).one().first_name == NAME
    raw = await _raw_rows(h.settings.database_url)
    assert TOKEN_PREFIX in raw
    for words in WORDS:
        assert words not in raw
    folder = sqlite_folder(h.settings.database_url)
    if folder is not None:  # the file itself, and its write-ahead log
        await h.stop()
        stored = b"".join(p.read_bytes() for p in folder.glob("kindbreak.sqlite3*"))
        assert stored
        for words in WORDS:
            for piece in words.split():
                if len(piece) > 6:
                    assert piece.encode() not in stored, piece


async def test_rotation_moves_everything_to_the_newest_key(harness: Harness) -> None:
    h = harness
    await _write_everything(h)
    await h.stop()
    before = await _raw_rows(h.settings.database_url)
    newest = new_key()
    both = create_engine(h.settings.database_url, keys=[newest, TEST_KEY])
    try:
        changed = await rotate_all(both, batch=2)  # small batches: paging is exercised
        assert changed >= len(WORDS)
        assert await rotate_all(both) == 0  # nothing left under the old key
        async with both.connect() as conn:  # first names are rotated with the words
            names = (await conn.execute(sa.text("SELECT first_name FROM users"))).scalars().all()
    finally:
        await both.dispose()
    assert names and all(Cipher([newest]).is_newest(token) for token in names)
    assert await _raw_rows(h.settings.database_url) != before
    h.settings = replace(h.settings, data_encryption_keys=(Secret(newest),))
    await h.start()
    async with h.session() as session:
        assert (await session.exec(select(Break))).one().need == NEED
        assert (await session.exec(select(User))).one().first_name == NAME
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/safetyplan")
    (shown, *_rest) = await h.replies(USER, 1, after=mark)
    assert SIGNS in shown.text


async def test_a_wrong_or_missing_key_stops_the_bot_at_start(harness: Harness) -> None:
    h = harness
    await _write_everything(h)
    await h.stop()
    h.settings = replace(h.settings, data_encryption_keys=(Secret(new_key()),))
    with pytest.raises(WrongKeyError) as wrong:
        await h.start()
    assert "DATA_ENCRYPTION_KEY does not open" in str(wrong.value)
    h.settings = replace(h.settings, data_encryption_keys=())
    with pytest.raises(WrongKeyError) as missing:
        await h.start()
    assert "DATA_ENCRYPTION_KEY is not set" in str(missing.value)
    assert "\n" not in str(wrong.value) + str(missing.value)


def test_the_bot_says_one_line_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.__main__ as entry

    def refuse(_settings: object) -> int:
        raise WrongKeyError("DATA_ENCRYPTION_KEY does not open the words already stored")

    monkeypatch.setattr(entry, "_run", refuse)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert entry.main() == 2
    err = capsys.readouterr().err
    assert err == "kindbreak: DATA_ENCRYPTION_KEY does not open the words already stored\n"


async def test_the_upgrade_encrypts_words_stored_in_plain_text(database_url: str) -> None:
    engine = create_engine(database_url, keys=[TEST_KEY])
    try:
        await migrate(engine, "0004")
        now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO users (telegram_id, first_name, active, created_at, last_seen_at)"
                    " VALUES (78, :name, true, :now, :now)"
                ),
                {
                    "now": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now,
                    "name": NAME,
                },
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO mood_ratings (user_id, value, kind, note, rated_at) "
                    "SELECT id, 6, 'quick', :note, created_at FROM users"
                ),
                {"note": NOTE},
            )
        await migrate(engine)
        async with engine.connect() as conn:
            raw = (await conn.execute(sa.text("SELECT note FROM mood_ratings"))).scalar()
            (read,) = (await conn.execute(select(MoodRating.note))).scalars().all()  # type: ignore[call-overload]
            consented = (await conn.execute(sa.text("SELECT consented_at FROM users"))).scalar()
            raw_name = (await conn.execute(sa.text("SELECT first_name FROM users"))).scalar()
            (name,) = (await conn.execute(select(User.first_name))).scalars().all()  # type: ignore[call-overload]
        assert isinstance(raw, str) and raw.startswith(TOKEN_PREFIX)
        assert read == NOTE
        assert isinstance(raw_name, str) and raw_name.startswith(TOKEN_PREFIX)
        assert name == NAME
        assert consented is None  # asked at their next message, their data kept
    finally:
        await engine.dispose()


async def migrate_down(engine: AsyncEngine, revision: str) -> None:
    """Take the schema back down to ``revision``."""

    def downgrade(connection: Connection) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)


async def test_the_downgrade_gives_first_names_back_in_plain_text(database_url: str) -> None:
    engine = create_engine(database_url, keys=[TEST_KEY])
    try:
        await migrate(engine)
        now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(User.__table__),  # type: ignore[attr-defined]
                {"telegram_id": 79, "first_name": NAME, "created_at": now, "last_seen_at": now},
            )
        await migrate_down(engine, "0006")
        async with engine.connect() as conn:
            raw = (await conn.execute(sa.text("SELECT first_name FROM users"))).scalar()
        assert raw == NAME
        await migrate(engine)
        async with engine.connect() as conn:
            raw = (await conn.execute(sa.text("SELECT first_name FROM users"))).scalar()
        assert isinstance(raw, str) and raw.startswith(TOKEN_PREFIX)
    finally:
        await engine.dispose()
