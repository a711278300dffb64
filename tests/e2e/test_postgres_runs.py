"""Test runs on one PostgreSQL server: each has its own database and leaves others alone."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support.postgres import (
    SERVER_URL,
    connect,
    create_database,
    drop_database,
    reset_database,
    throwaway_database,
)

# the run database fixture skips these without a server (fails with KINDBREAK_REQUIRE_POSTGRES=1)
pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_run_database")]
REPO = Path(__file__).resolve().parents[2]


async def database_names() -> set[str]:
    """Every database on the server."""
    conn = await connect(SERVER_URL)
    try:
        return {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()


async def put_sentinel(url: str) -> None:
    """A table with one row, to see later whether anyone wiped the database."""
    conn = await connect(url)
    try:
        await conn.execute(
            "CREATE TABLE sentinel (note text); INSERT INTO sentinel VALUES ('kept')"
        )
    finally:
        await conn.close()


async def sentinel(url: str) -> list[str]:
    """The sentinel's rows."""
    conn = await connect(url)
    try:
        return [r["note"] for r in await conn.fetch("SELECT note FROM sentinel")]
    finally:
        await conn.close()


def test_the_run_has_its_own_database(postgres_run_database: str) -> None:
    """Named for this process plus random hex, never the database named in the URL."""
    name = make_url(postgres_run_database).database
    assert name is not None and name.startswith(f"kindbreak_test_{os.getpid()}_")
    assert name != (make_url(SERVER_URL).database or "postgres")


async def test_resetting_one_run_leaves_another_alone() -> None:
    """Two runs' databases are apart: emptying or dropping one keeps the other's rows."""
    first = await create_database(SERVER_URL)
    second = await create_database(SERVER_URL)
    try:
        assert first != second
        await put_sentinel(first)
        await put_sentinel(second)
        await reset_database(second)
        assert await sentinel(first) == ["kept"]
        await drop_database(SERVER_URL, second)
        assert await sentinel(first) == ["kept"]
    finally:
        await drop_database(SERVER_URL, first)
        await drop_database(SERVER_URL, second)
    assert {make_url(u).database for u in (first, second)}.isdisjoint(await database_names())


async def run_pytest(server_url: str) -> tuple[int, int, str]:
    """Run the PostgreSQL migration tests in a child pytest; (pid, exit code, output)."""
    env = {**os.environ, "TEST_POSTGRES_URL": server_url, "KINDBREAK_REQUIRE_POSTGRES": "1"}
    child = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "postgresql"),
        "tests/storage/test_migrations.py",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await child.communicate()
    return child.pid, child.returncode or 0, output.decode()


async def test_two_runs_at_once_pass_and_never_touch_the_named_database() -> None:
    """Two concurrent runs pointed at one database: both pass, it keeps its rows, none left."""
    async with throwaway_database(SERVER_URL, "kindbreak_bystander") as bystander:
        await put_sentinel(bystander)
        runs = await asyncio.gather(run_pytest(bystander), run_pytest(bystander))
        for _, code, output in runs:
            assert code == 0, output
        assert await sentinel(bystander) == ["kept"]
    left = await database_names()
    for pid, _, _ in runs:
        assert not [n for n in left if n.startswith(f"kindbreak_test_{pid}_")]
