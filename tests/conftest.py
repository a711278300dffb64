"""Fixtures: the emulator, a database per test (SQLite and PostgreSQL), the running bot."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from tests.support.botapi import BotApiSpec
from tests.support.harness import FakeClock, Harness, make_settings
from tests.support.postgres import SERVER_URL, create_database, drop_database, reset_database

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
    """A fresh, empty database: an SQLite file, or this run's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kindbreak.sqlite3'}"
    # requested here, not as a parameter, so that SQLite-only runs never need a server
    url: str = request.getfixturevalue("postgres_run_database")
    asyncio.run(reset_database(url))
    return url


@pytest.fixture
def clock() -> FakeClock:
    """The fake clock every test bot runs on."""
    return FakeClock()


@pytest.fixture
async def harness(
    emulator: BotApiEmulator, database_url: str, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[Harness]:
    """One running bot instance."""
    h = Harness(emulator=emulator, settings=make_settings(database_url, tmp_path), clock=clock)
    await h.start()
    try:
        yield h
    finally:
        for app in list(h.apps):
            await h.stop(app)
