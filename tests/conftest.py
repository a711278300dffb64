"""Fixtures: the emulator, a database per test (SQLite and PostgreSQL), the running bot."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.emulator import BotApiEmulator
from bot.storage.db import bundled_head, create_engine, migrate
from tests.support.botapi import BotApiSpec
from tests.support.harness import TEST_KEY, FakeClock, Harness, make_settings
from tests.support.postgres import (
    SERVER_URL,
    create_database,
    drop_database,
    empty_database,
    reset_database,
)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def botapi_spec() -> BotApiSpec:
    """The official Bot API description."""
    return BotApiSpec.load()


@pytest.fixture
def emulator(botapi_spec: BotApiSpec) -> Iterator[BotApiEmulator]:
    """A local Bot API server that checks every request against the official description."""
    # a burst of sends from two instances opens many connections at once: the real Telegram
    # takes them all, so the listen queue is not the 5 of socketserver's default
    with BotApiEmulator(validator=botapi_spec.validate, listen_backlog=128) as emu:
        yield emu
        assert emu.violations == [], f"invalid Bot API requests: {emu.violations}"


@pytest.fixture(scope="session")
def postgres_run_database() -> Iterator[str]:
    """This run's own PostgreSQL database (each xdist worker its own), dropped at the end."""
    try:
        url = asyncio.run(create_database(SERVER_URL))
    except OSError as exc:
        if os.environ.get("KINDBREAK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url
    finally:
        asyncio.run(drop_database(SERVER_URL, url))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: an SQLite file, or this run's PostgreSQL database emptied.

    For a running bot, a schema already at the newest revision keeps its tables, emptied
    (what the bot's start would make anyway); tests of migrations get no schema at all."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kindbreak.sqlite3'}"
    # requested here, not as a parameter, so that SQLite-only runs never need a server
    url: str = request.getfixturevalue("postgres_run_database")
    if "harness" in request.fixturenames:
        asyncio.run(empty_database(url, bundled_head()))
    else:
        asyncio.run(reset_database(url))
    return url


@pytest.fixture
def clock() -> FakeClock:
    """The fake clock every test bot runs on."""
    return FakeClock()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to the newest revision once per run, copied for each bot:
    the same schema the bot's own start would make, without running every migration again."""
    path = tmp_path_factory.mktemp("template") / "kindbreak.sqlite3"

    async def build() -> None:
        engine = create_engine(f"sqlite:///{path}", keys=[TEST_KEY])
        try:
            await migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(build())
    return path


def _copy_if_new(database_url: str, template: Path) -> None:
    """A new SQLite file starts as a copy of the migrated template."""
    if database_url.startswith("sqlite"):
        target = Path(make_url(database_url).database or "")
        if not target.exists():
            shutil.copyfile(template, target)


@pytest.fixture
async def harness(
    emulator: BotApiEmulator,
    database_url: str,
    clock: FakeClock,
    tmp_path: Path,
    migrated_sqlite: Path,
) -> AsyncIterator[Harness]:
    """One running bot instance (its start still checks the schema and migrates if needed)."""
    _copy_if_new(database_url, migrated_sqlite)
    h = Harness(emulator=emulator, settings=make_settings(database_url, tmp_path), clock=clock)
    await h.start()
    try:
        yield h
    finally:
        for app in list(h.apps):
            await h.stop(app)
