"""Throwaway PostgreSQL databases: each test run or benchmark creates its own and drops it.

``TEST_POSTGRES_URL`` (or a benchmark's ``--postgres``) names a server. Its database part,
if any, is only the maintenance database connected to for ``CREATE`` and ``DROP DATABASE``;
nothing in it is ever changed. Importable without pytest, so the benchmarks use it too.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

SERVER_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MAINTENANCE_DATABASE = "postgres"
FORCE_DROP_MAJOR = 13  # DROP DATABASE ... WITH (FORCE) is PostgreSQL 13+


async def connect(url: str) -> Any:
    """An asyncpg connection to the database a ``postgresql://`` URL names."""
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database=parsed.database or MAINTENANCE_DATABASE,
    )


def unique_name(prefix: str = "kindbreak_test") -> str:
    """A database name no other run picks: the prefix, this process id, random hex."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


def database_url(server_url: str, name: str) -> str:
    """The server URL with its database part replaced by ``name``."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def quote(name: str) -> str:
    """A database name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


async def create_database(server_url: str, prefix: str = "kindbreak_test") -> str:
    """Create a new, empty database on the server; returns its URL."""
    name = unique_name(prefix)
    conn = await connect(server_url)
    try:
        await conn.execute(f"CREATE DATABASE {quote(name)}")
    finally:
        await conn.close()
    return database_url(server_url, name)


async def reset_database(url: str) -> None:
    """Empty a throwaway database: drop and recreate its ``public`` schema."""
    conn = await connect(url)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def empty_database(url: str, head: str | None) -> None:
    """Empty a throwaway database quickly: at the ``head`` revision, every table is emptied
    (ids start again at 1) and the schema kept; otherwise the schema is dropped, as
    ``reset_database`` does, for the next start to migrate from nothing."""
    conn = await connect(url)
    try:
        stored = None
        if await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL"):
            stored = await conn.fetchval("SELECT max(version_num) FROM alembic_version")
        tables = [
            r["tablename"]
            for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
            )
        ]
        if head is not None and stored == head and tables:
            await conn.execute(
                f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE"
            )
        else:
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def drop_database(server_url: str, url: str) -> None:
    """Drop the throwaway database ``url`` names, ending any session still connected to it."""
    name = make_url(url).database
    assert name and name != make_url(server_url).database, url
    conn = await connect(server_url)
    try:
        if conn.get_server_version().major >= FORCE_DROP_MAJOR:
            await conn.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
        else:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            await conn.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway_database(server_url: str, prefix: str = "kindbreak_test") -> AsyncIterator[str]:
    """A new database's URL for the duration of the block; dropped afterwards."""
    url = await create_database(server_url, prefix)
    try:
        yield url
    finally:
        await drop_database(server_url, url)
