"""Database engine, sessions and migrations."""

from __future__ import annotations

import asyncio
import math
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.availability import database_unavailable
from bot.storage.encryption import Cipher, attach_cipher
from bot.storage.sqlite_link import connector

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# called as ``async with sessions() as session``
SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]

# how long a statement waits for another connection's lock, unless told otherwise (the bot
# itself waits less and tries again: ``availability.ATTEMPT_LOCK_WAIT``)
DEFAULT_LOCK_WAIT = 30.0

_holding_sqlite: ContextVar[bool] = ContextVar("kindbreak_sqlite_session", default=False)


def async_url(url: str) -> str:
    """The SQLAlchemy async URL for a plain ``sqlite:///`` or ``postgresql://`` URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return str(parsed.set(drivername="sqlite+aiosqlite"))
    if backend in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database backend {backend!r}")


def _sqlite_pragmas() -> Callable[[Any, Any], None]:
    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        # foreign keys off by default in SQLite; WAL lets readers and one writer work together
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # (the link sets the busy timeout)
        cursor.close()

    return pragmas


def create_engine(
    url: str, *, keys: Sequence[str] = (), lock_wait_seconds: float = DEFAULT_LOCK_WAIT
) -> AsyncEngine:
    """An async engine for ``url`` whose encrypted columns use ``keys`` (newest first).

    A statement waits at most ``lock_wait_seconds`` for a lock another connection holds
    (SQLite's busy timeout, PostgreSQL's ``lock_timeout``), then fails as the database
    being busy.
    Creates the folder of an SQLite file if needed. Without keys, encrypted columns can be
    neither read nor written.
    """
    full = make_url(async_url(url))
    # statement parameters (Telegram ids among them) stay out of logs and error messages
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if full.get_backend_name() == "sqlite":
        if full.database and full.database != ":memory:":
            Path(full.database).parent.mkdir(parents=True, exist_ok=True)
        # one trip to the connection's thread per statement (aiosqlite makes four)
        kwargs["async_creator"] = connector(
            full.database or ":memory:",
            timeout=lock_wait_seconds,
            detect_types=sqlite3.PARSE_DECLTYPES,
        )
    else:
        lock_timeout = str(int(lock_wait_seconds * 1000))
        kwargs["connect_args"] = {"server_settings": {"lock_timeout": lock_timeout}}
    engine = create_async_engine(full, **kwargs)
    if full.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas())
    else:
        ping_when_idle(engine)
    attach_cipher(engine, Cipher(keys) if keys else None)
    return engine


# a pooled connection unused this long is tried before it is handed out
IDLE_BEFORE_PING = 10.0


def ping_when_idle(engine: AsyncEngine) -> None:
    """Try a pooled connection before handing it out only if it sat unused for a while.

    A connection that served an update a moment ago is as good as it was; trying it would
    cost three round trips to PostgreSQL on every update (the driver's ping is a BEGIN, a
    query and a ROLLBACK). One that sat idle may have been ended meanwhile (a restart, an
    idle timeout): it is tried, and replaced if gone. One ended since its last use fails
    its first statement instead, and the update is tried again at once on a fresh
    connection (``availability.retrying``).
    """
    sync = engine.sync_engine
    dialect = sync.dialect

    def fresh(_dbapi: Any, record: Any) -> None:
        record.info["kindbreak_used_at"] = time.monotonic()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        used_at = record.info.get("kindbreak_used_at", -math.inf)
        if time.monotonic() - used_at < IDLE_BEFORE_PING:
            return
        try:
            dialect.do_ping(dbapi)
        except Exception as error:  # gone: the pool drops it and takes another
            raise sa.exc.DisconnectionError() from error

    event.listen(sync, "connect", fresh)
    event.listen(sync, "checkin", fresh)
    event.listen(sync, "checkout", checkout)


def sqlite_folder(url: str) -> Path | None:
    """The folder of an SQLite database file (None for PostgreSQL or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in {None, "", ":memory:"}:
        return None
    return Path(parsed.database or "").parent


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """A factory of explicit sessions: ``async with factory() as session``."""
    maker = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    if engine.dialect.name == "sqlite":
        return OneSQLiteSessionAtATime(maker)
    return maker


class OneSQLiteSessionAtATime:
    """SQLite sessions of this process one after another.

    SQLite has one writer at a time and makes the others retry in sleeps of up to 100 ms;
    people's updates handled concurrently would spend most of their time in those sleeps.
    Waiting in turn here costs nothing. A session opened while this task already holds
    one (a nested session) does not wait for itself.

    When another process holds the database locked, the session in turn finds it so after
    its busy timeout; every session that was already waiting then fails at once, as busy
    too, rather than each waiting out the same lock in turn (so everyone waiting hears
    "one moment" together, and tries again later with a session of its own).
    """

    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:
        self._maker = maker
        self._turn = asyncio.Lock()
        self._found_busy_at = -math.inf  # monotonic time a session last found it locked

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session, once it is this caller's turn."""
        return self._session()

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        if _holding_sqlite.get():
            async with self._maker() as session:
                yield session
            return
        asked_at = time.monotonic()
        async with self._turn:
            if self._found_busy_at > asked_at:  # locked while this one waited: it still is
                raise sa.exc.OperationalError(
                    None, None, sqlite3.OperationalError("database is locked")
                )
            token = _holding_sqlite.set(True)
            try:
                async with self._maker() as session:
                    yield session
            except Exception as error:
                if database_unavailable(error):
                    self._found_busy_at = time.monotonic()
                raise
            finally:
                _holding_sqlite.reset(token)


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration of the bundled migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


# the advisory lock that serialises migrations in this database ("kbmigr")
MIGRATION_LOCK_KEY = 0x6B626D696772

_REVISION = re.compile(r"^(down_)?revision(?:\s*:[^=]+)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])", re.M)


def bundled_head() -> str | None:
    """The one head revision of the bundled migrations, read from their files (None: unclear)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, name in _REVISION.findall(path.read_text(encoding="utf-8")):
            if name:
                (parents if down else revisions).add(name)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revisions(connection: Connection) -> set[str]:
    if not sa.inspect(connection).has_table("alembic_version"):
        return set()
    rows = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    return {str(row[0]) for row in rows}


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (creating it on an empty database)."""

    def upgrade(connection: Connection) -> None:
        # already there: start without importing Alembic (about 10 MB and a tenth of a second)
        if revision == "head" and _stored_revisions(connection) == {bundled_head()}:
            return
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as connection:
        if sqlite:
            # SQLite cannot change a column: a migration rebuilds the table, dropping the old
            # one, and with foreign keys on that drop would delete every row referring to it
            await _sqlite_foreign_keys(connection, on=False)
        try:
            async with connection.begin():
                if not sqlite:
                    # instances starting together migrate one after another (the lock ends
                    # with the transaction), so the second finds the schema already at head;
                    # however long the first takes, the others wait for it
                    await connection.execute(sa.text("SET LOCAL lock_timeout = 0"))
                    await connection.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                await connection.run_sync(upgrade)
        finally:
            if sqlite:
                await _sqlite_foreign_keys(connection, on=True)


async def _sqlite_foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    """Switch SQLite's foreign keys (outside any transaction, where the pragma has effect)."""
    await connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    await connection.commit()
