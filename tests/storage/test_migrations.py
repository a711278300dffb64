"""Migrations: an upgrade keeps every stored rating, and the models match the schema."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from bot.storage import models, practice_models  # noqa: F401  (tables on the metadata)
from bot.storage.db import create_engine, migrate
from tests.support.harness import TEST_KEY


async def test_upgrade_from_first_release_keeps_data(database_url: str) -> None:
    engine = create_engine(database_url, keys=[TEST_KEY])  # the upgrade encrypts first names
    try:
        await migrate(engine, "0001")
        now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO users (telegram_id, first_name, time_zone, active, created_at, last_seen_at)"
                    " VALUES (77, 'Ana', 'Europe/Lisbon', true, :now, :now)"
                ),
                {"now": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now},
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO mood_ratings (user_id, value, kind, rated_at) "
                    "SELECT id, 6, 'quick', created_at FROM users"
                )
            )
        await migrate(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(sa.text("SELECT value, kind FROM mood_ratings"))).all()
            version = (
                await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            ).scalar()
        assert [tuple(r) for r in rows] == [(6, "quick")]
        assert version is not None and version >= "0002"
    finally:
        await engine.dispose()


async def test_models_match_the_migrations(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate(engine)

        def diff(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, SQLModel.metadata))

        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert differences == []
    finally:
        await engine.dispose()


async def test_instances_starting_together_migrate_one_after_another(database_url: str) -> None:
    engines = [create_engine(database_url) for _ in range(3)]
    try:
        if engines[0].dialect.name == "sqlite":  # one process on one host: nothing to race
            await migrate(engines[0])
        else:
            await asyncio.gather(*(migrate(engine) for engine in engines))
        async with engines[0].connect() as connection:
            versions = (await connection.execute(sa.text("SELECT * FROM alembic_version"))).all()
        assert len(versions) == 1
    finally:
        for engine in engines:
            await engine.dispose()
