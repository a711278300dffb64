"""The bot killed (SIGKILL) in the middle of a batch of scheduled check-ins, then started
again: every slot is sent once, or (only the wave being sent at the kill) marked uncertain;
none is sent twice.

The bot runs as a real process (``python -m bot``) against the emulator, whose answers to
``sendMessage`` are slowed down so that the kill lands mid-batch. The rule, from
``bot/storage/deliveries.py``: a wave of deliveries is marked as being sent just before it
is handed to Telegram; after a kill those are uncertain (maybe delivered, never repeated)
and everything else claimed is sent by the next run, within the grace window.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import Process
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.delivery.dispatch import WAVE
from bot.delivery.planning import plan_user
from bot.emulator import BotApiEmulator
from bot.storage.db import create_engine, migrate, session_factory
from bot.storage.models import (
    CheckinSchedule,
    CheckinTime,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    User,
)
from tests.support.botapi import BotApiSpec
from tests.support.harness import TEST_KEY

REPO = Path(__file__).resolve().parents[2]
PEOPLE = 120
FIRST_ID = 880_000
KILL_AFTER = 40  # prompts delivered when the bot is killed
SEND_DELAY = 0.2  # seconds the emulator takes to answer each sendMessage
# what the bot's settings take for a token from @BotFather (never a real one)
TOKEN = "123456:kindbreak-killed-mid-batch-test-token"


@pytest.fixture
def emulator(botapi_spec: BotApiSpec) -> Iterator[BotApiEmulator]:
    """The emulator with a token the settings of a real bot process accept."""
    with BotApiEmulator(token=TOKEN, validator=botapi_spec.validate, listen_backlog=128) as emu:
        yield emu
        assert emu.violations == [], f"invalid Bot API requests: {emu.violations}"


async def until(emulator: BotApiEmulator, ready: Callable[[], bool], bot: Process) -> None:
    """Wait until ``ready()``, failing at once if the bot process ends first."""
    waiting = asyncio.ensure_future(emulator.wait_for(ready, timeout=60))
    ended = asyncio.ensure_future(bot.wait())
    done, _ = await asyncio.wait({waiting, ended}, return_when=asyncio.FIRST_COMPLETED)
    if waiting not in done:
        waiting.cancel()
        raise AssertionError(f"the bot process ended early (exit code {bot.returncode})")
    ended.cancel()
    waiting.result()


async def seed(url: str, now: datetime) -> None:
    """PEOPLE people whose check-in fell due a minute ago, each planned as the bot plans it."""
    due = (now - timedelta(minutes=1)).astimezone(UTC)
    engine = create_engine(url, keys=[TEST_KEY])
    try:
        await migrate(engine)
        async with session_factory(engine)() as session:
            for n in range(PEOPLE):
                user = User(
                    telegram_id=FIRST_ID + n,
                    first_name=f"P{n}",
                    language_code="en",
                    time_zone="UTC",
                    created_at=now - timedelta(days=3),
                    last_seen_at=now - timedelta(days=3),
                    consented_at=now - timedelta(days=3),
                )
                session.add(user)
                await session.flush()
                assert user.id is not None
                session.add(CheckinSchedule(user_id=user.id, enabled=True, updated_at=now))
                session.add(CheckinTime(user_id=user.id, at=due.time().replace(second=0)))
                await session.flush()
                await plan_user(session, user=user, after=due - timedelta(minutes=1))
            await session.commit()
    finally:
        await engine.dispose()


def bot_process_env(emulator: BotApiEmulator, url: str) -> dict[str, str]:
    """The environment of a real bot process pointed at the emulator."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "PYTHONPATH": str(REPO),
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.api_url,
        "DATABASE_URL": url,
        "DATA_ENCRYPTION_KEY": TEST_KEY,
        "DISPATCH_INTERVAL_SECONDS": "0.5",
        "CHART_WORKERS": "0",
        "LOG_LEVEL": "WARNING",
    }


async def start_bot(emulator: BotApiEmulator, url: str, folder: Path, name: str) -> Process:
    """``python -m bot`` in its own folder (no .env there), its log in ``folder/name.log``."""
    log = (folder / f"{name}.log").open("wb")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=folder,
        env=bot_process_env(emulator, url),
        stdout=log,
        stderr=log,
    )


def prompts(emulator: BotApiEmulator) -> Counter[int]:
    """How many messages each seeded person has received."""
    return Counter(
        {
            chat: len(emulator.chat_messages(chat))
            for chat in range(FIRST_ID, FIRST_ID + PEOPLE)
            if emulator.chat_messages(chat)
        }
    )


async def slot_rows(url: str, due_before: datetime) -> list[tuple[int, str, str]]:
    """(person, slot, status) of every check-in row due by ``due_before``."""
    engine = create_engine(url, keys=[TEST_KEY])
    try:
        async with session_factory(engine)() as session:
            rows = await session.exec(
                select(User.telegram_id, Delivery.slot_key, Delivery.status)
                .join(User, sa.literal_column("users.id") == Delivery.user_id)
                .where(Delivery.kind == DeliveryKind.CHECKIN, Delivery.due_at <= due_before)
            )
            return [(int(tg), str(slot), str(status)) for tg, slot, status in rows.all()]
    finally:
        await engine.dispose()


async def next_slots(url: str) -> Counter[int]:
    """How many pending check-ins each person has (each should have one: their next)."""
    engine = create_engine(url, keys=[TEST_KEY])
    try:
        async with session_factory(engine)() as session:
            rows = await session.exec(
                select(User.telegram_id)
                .join(Delivery, sa.literal_column("users.id") == Delivery.user_id)
                .where(
                    Delivery.kind == DeliveryKind.CHECKIN,
                    Delivery.status == DeliveryStatus.PENDING,
                )
            )
            return Counter(int(tg) for tg in rows.all())
    finally:
        await engine.dispose()


async def test_a_kill_mid_batch_loses_no_slot_and_sends_none_twice(
    emulator: BotApiEmulator, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    await seed(database_url, now)
    for n in range(PEOPLE):
        emulator.add_user(FIRST_ID + n)
    emulator.slow_down("sendMessage", SEND_DELAY)

    first = await start_bot(emulator, database_url, tmp_path, "first")
    try:
        await emulator.wait_for(lambda: sum(prompts(emulator).values()) >= KILL_AFTER, timeout=60)
    finally:
        if first.returncode is None:
            first.send_signal(signal.SIGKILL)
        await first.wait()
    # the killed process's calls still being answered finish (Telegram would deliver them)
    await emulator.wait_for(lambda: emulator.open_connections == 0, timeout=30)
    at_kill = prompts(emulator)
    rows = await slot_rows(database_url, now)
    in_flight = {tg for tg, _slot, status in rows if status == DeliveryStatus.SENDING}
    statuses_at_kill = Counter(status for _tg, _slot, status in rows)
    assert len(rows) == PEOPLE
    assert len(in_flight) <= WAVE  # at most one wave in flight (none, if between two)
    assert sum(at_kill.values()) < PEOPLE  # and mid-batch: most were still to send

    emulator.slow_down("sendMessage", 0)
    second = await start_bot(emulator, database_url, tmp_path, "second")
    try:
        # everyone not in flight at the kill gets their prompt from the second run
        everyone_else = set(range(FIRST_ID, FIRST_ID + PEOPLE)) - in_flight
        await until(emulator, lambda: everyone_else <= set(prompts(emulator)), second)
    finally:
        if second.returncode is None:
            second.send_signal(signal.SIGTERM)  # a clean stop: the running dispatch finishes
        assert await asyncio.wait_for(second.wait(), 30) == 0

    final = prompts(emulator)
    rows = await slot_rows(database_url, now)
    statuses = Counter(status for _tg, _slot, status in rows)
    sent_twice = [chat for chat, count in final.items() if count > 1]
    uncertain = {tg for tg, _slot, status in rows if status == DeliveryStatus.UNCERTAIN}
    never_sent = set(range(FIRST_ID, FIRST_ID + PEOPLE)) - set(final)
    lost = never_sent - uncertain  # not sent, and not marked so by the rule
    print(
        f"\nslots due {PEOPLE}; at the kill: {sum(at_kill.values())} delivered, "
        f"rows {dict(statuses_at_kill)}; after the restart: {len(final)} sent, "
        f"{len(sent_twice)} sent twice, {len(uncertain)} uncertain "
        f"({len(uncertain - never_sent)} of them delivered), {len(lost)} lost; "
        f"rows {dict(statuses)}"
    )
    assert sent_twice == []
    assert lost == set()
    assert len({(tg, slot) for tg, slot, _status in rows}) == len(rows) == PEOPLE
    assert uncertain == in_flight  # exactly the wave being sent at the kill
    assert statuses[DeliveryStatus.SENT] + len(uncertain) == PEOPLE
    # and everyone's next check-in is planned, the uncertain ones' too
    assert await next_slots(database_url) == Counter(range(FIRST_ID, FIRST_ID + PEOPLE))
