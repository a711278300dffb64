"""Database engine, sessions and migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.encryption import Cipher, attach_cipher

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

SessionFactory = async_sessionmaker[AsyncSession]


def async_url(url: str) -> str:
    """The SQLAlchemy async URL for a plain ``sqlite:///`` or ``postgresql://`` URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if backend in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database backend {backend!r}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # foreign keys off by default in SQLite; WAL lets readers and one writer work together
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_engine(url: str, *, keys: Sequence[str] = ()) -> AsyncEngine:
    """An async engine for ``url`` whose encrypted columns use ``keys`` (newest first).

    Creates the folder of an SQLite file if needed. Without keys, encrypted columns can be
    neither read nor written.
    """
    full = make_url(async_url(url))
    kwargs: dict[str, Any] = {}
    if full.get_backend_name() == "sqlite":
        if full.database and full.database != ":memory:":
            Path(full.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "detect_types": sqlite3.PARSE_DECLTYPES}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(full, **kwargs)
    if full.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    attach_cipher(engine, Cipher(keys) if keys else None)
    return engine


def sqlite_folder(url: str) -> Path | None:
    """The folder of an SQLite database file (None for PostgreSQL or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in {None, "", ":memory:"}:
        return None
    return Path(parsed.database or "").parent


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """A factory of explicit sessions: ``async with factory() as session``."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration of the bundled migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (creating it on an empty database)."""

    def upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)
