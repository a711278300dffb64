"""Three ``python -m bot`` instances in webhook mode on one PostgreSQL database, the
emulator spreading updates over them in turn as a reverse proxy would: a person's break
goes on whichever instance gets each update, a double tap that reaches two instances at
the same moment counts once, and when one instance is killed the others carry on."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.emulator import BotApiEmulator
from bot.storage.db import create_engine, session_factory
from bot.storage.models import Break, BreakStatus, MoodRating
from tests.e2e.test_metrics_port import TOKEN, bot_env, free_port, running_bot, terminated
from tests.e2e.test_webhook import get, samples
from tests.support.botapi import BotApiSpec
from tests.support.harness import TEST_KEY, WAIT, WEBHOOK_SECRET

pytestmark = pytest.mark.postgres
FIRST, SECOND = 6601, 6602
STALE = "That button is from an earlier step, so I've left things as they are."


class Instances:
    """The running instances: their addresses, and how many updates each has finished."""

    def __init__(self, emu: BotApiEmulator, ports: list[int]) -> None:
        self.emu = emu
        self.urls = [f"http://127.0.0.1:{port}" for port in ports]
        self.dead: set[str] = set()

    def webhooks(self) -> list[str]:
        return [f"{url}/telegram" for url in self.urls]

    async def finished(self, url: str) -> int:
        status, text = await asyncio.to_thread(get, f"{url}/metrics")
        assert status == 200
        got = samples(text)
        return int(sum(v for (name, _), v in got.items() if name == "kindbreak_updates_total"))

    async def settled(self, timeout: float = WAIT) -> None:
        """Every update posted to a living instance has been finished there (asked again
        every 50 ms: nothing tells this process when a child finishes one)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            queued = bool(self.emu.pending_updates())
            posted = dict(self.emu.webhook_posts_by_target)
            done = [
                await self.finished(url) == posted.get(f"{url}/telegram", 0)
                for url in self.urls
                if url not in self.dead
            ]
            if not queued and all(done):
                return
            assert loop.time() < deadline, f"not settled: queued={queued}, {posted}"
            await asyncio.sleep(0.05)

    async def say(self, user: int, text: str, expect: int) -> list[str | None]:
        mark = self.emu.mark(user)
        self.emu.send_text(user, text)
        await self.settled()
        return self.new_texts(user, mark, expect)

    async def tap(self, user: int, label: str, expect: int) -> list[str | None]:
        mark = self.emu.mark(user)
        query = self.emu.press(user, label)
        await self.emu.wait_callback_answered(query, timeout=WAIT)
        await self.settled()
        return self.new_texts(user, mark, expect)

    def new_texts(self, user: int, mark: int, expect: int) -> list[str | None]:
        texts = [m.text for m in self.emu.chat_messages(user) if m.message_id > mark]
        assert len(texts) == expect, texts
        return texts


async def a_whole_break(at: Instances, user: int) -> None:
    """Consent, a time zone, then a break from the first rating to the last."""
    at.emu.add_user(user, first_name="Sam")
    await at.say(user, "/start", 1)
    await at.tap(user, "I agree", 3)
    await at.tap(user, "Berlin", 2)
    await at.say(user, "/break", 2)
    await at.tap(user, "3", 1)
    await at.say(user, "A hard talk with my manager", 2)
    for expect in (0, 0, 1):  # the first two Next turn the step in place
        await at.tap(user, "Next", expect)
    await at.say(user, "Rest", 2)
    await at.tap(user, "6", 1)


@contextmanager
def three_instances(
    emu: BotApiEmulator, database_url: str, folder: Path
) -> Iterator[tuple[Instances, list[subprocess.Popen[bytes]]]]:
    ports = [free_port() for _ in range(3)]
    at = Instances(emu, ports)
    emu.spread_webhook(at.webhooks())
    with ExitStack() as stack:
        bots = []
        for number, port in enumerate(ports):
            env = bot_env(
                emu,
                folder,
                DATABASE_URL=database_url,
                BOT_MODE="webhook",
                # the address every instance registers: the proxy's, here the first one's
                WEBHOOK_URL=at.webhooks()[0],
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                WEBHOOK_PORT=str(port),
            )
            log = folder / f"bot-{number}.log"
            bots.append(stack.enter_context(running_bot(env, folder, log)))
        yield at, bots


async def all_serving(at: Instances, timeout: float = 60.0) -> None:
    """Each instance answers /healthz (asked every 50 ms: it registers, then serves)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    for url in at.urls:
        while True:
            try:
                status, body = await asyncio.to_thread(get, f"{url}/healthz")
            except OSError:  # not listening yet
                status, body = 0, ""
            if status == 200:
                break
            assert loop.time() < deadline, f"{url}: {status} {body}"
            await asyncio.sleep(0.05)


async def stored(database_url: str) -> tuple[list[Break], list[MoodRating]]:
    engine = create_engine(database_url, keys=[TEST_KEY])
    try:
        async with session_factory(engine)() as session:
            breaks = (await session.exec(select(Break).order_by(col(Break.id)))).all()
            ratings = (await session.exec(select(MoodRating))).all()
            return list(breaks), list(ratings)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_three_instances_share_the_webhook(
    botapi_spec: BotApiSpec, database_url: str, tmp_path: Path
) -> None:
    with (
        BotApiEmulator(token=TOKEN, validator=botapi_spec.validate, listen_backlog=128) as emu,
        three_instances(emu, database_url, tmp_path) as (at, bots),
    ):
        await all_serving(at)
        await a_whole_break(at, FIRST)
        # every instance took part in the one break
        assert all(emu.webhook_posts_by_target[url] >= 3 for url in at.webhooks())

        # a double tap: two presses of "4" posted to two instances at the same moment
        await at.say(FIRST, "/break", 2)
        mark = emu.mark(FIRST)
        presses = [emu.press(FIRST, "4"), emu.press(FIRST, "4")]
        answers = [await emu.wait_callback_answered(q, timeout=WAIT) for q in presses]
        await at.settled()
        at.new_texts(FIRST, mark, 1)  # the break's next step, once
        reached = {
            url
            for url, update in emu.webhook_delivered
            if update.get("callback_query", {}).get("id") in presses
        }
        assert len(reached) == 2  # the two presses went to two instances
        # one press moved the break on; the other was told it changed nothing
        told = [a.get("text") for a in answers]
        assert sorted(told, key=bool) == [None, STALE], told

        # one instance killed: its share of the posts fails and goes to the others
        bots[1].kill()
        bots[1].wait()
        at.dead.add(at.urls[1])
        await a_whole_break(at, SECOND)
        assert emu.webhook_failures > 0  # its turns came round and were taken by the others

        breaks, ratings = await stored(database_url)
        for bot in (bots[0], bots[2]):
            assert await terminated(bot) == 0
    completed = [(b.mood_before, b.mood_after) for b in breaks if b.status == BreakStatus.COMPLETED]
    assert completed == [(3, 6), (3, 6)]
    second_break = breaks[1]
    assert second_break.mood_before == 4 and second_break.status != BreakStatus.COMPLETED
    assert sorted(r.value for r in ratings) == [3, 3, 4, 6, 6]
    assert emu.violations == []
    for number in (0, 2):
        assert "Traceback" not in (tmp_path / f"bot-{number}.log").read_text()
