"""SQLite sessions of one process take turns; a nested session does not wait for itself."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.storage.db import create_engine, session_factory


async def test_sqlite_sessions_take_turns_and_nest(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.sqlite3'}")
    sessions = session_factory(engine)
    log: list[str] = []

    async def use(name: str) -> None:
        async with sessions():
            log.append(f"open {name}")
            await asyncio.sleep(0)  # the other one may run now, but must not open its session
            async with sessions():  # nested: no deadlock
                log.append(f"nested {name}")
            log.append(f"close {name}")

    try:
        await asyncio.wait_for(asyncio.gather(use("a"), use("b")), 5)
    finally:
        await engine.dispose()
    assert log == ["open a", "nested a", "close a", "open b", "nested b", "close b"]
