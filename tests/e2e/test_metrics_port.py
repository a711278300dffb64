"""Polling mode with ``METRICS_PORT``: /metrics and /healthz served beside the polling."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import select

from bot.emulator import BotApiEmulator
from bot.storage.models import Break, BreakStatus
from tests.e2e.test_webhook import get, samples
from tests.support.botapi import BotApiSpec
from tests.support.harness import TEST_KEY, Harness, onboard, practice_steps

USER = 6401
REPO = Path(__file__).resolve().parents[2]
# the form of a real token, which `python -m bot` insists on (the emulator takes any)
TOKEN = "123456:AAmetricsPortTokenForTheLocalEmulator00"


async def test_a_break_is_counted_on_the_metrics_port(harness: Harness) -> None:
    h = harness
    await h.stop()  # the test's own polling instance; METRICS_PORT's way of running instead
    address = await h.start_polling_served()
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "3")
    for words in ("A long day", "Rest"):
        mark = h.emulator.mark(USER)
        h.emulator.send_text(USER, words)
        await h.replies(USER, 2, after=mark)
        if words != "Rest":
            await practice_steps(h, USER)
    await h.tap(USER, "6")
    async with h.session() as session:
        (row,) = (await session.exec(select(Break))).all()
    assert row.status == BreakStatus.COMPLETED
    status, text = await asyncio.to_thread(get, f"{address}/metrics")
    assert status == 200
    got = samples(text)
    # /start, /break and the break's two typed answers; "I agree", a zone and the break's 5 taps
    assert got["kindbreak_updates_total", (("kind", "message"),)] == 4
    assert got["kindbreak_updates_total", (("kind", "callback_query"),)] == 7
    assert got["kindbreak_update_seconds_count", ()] == 11
    status, body = await asyncio.to_thread(get, f"{address}/healthz")
    assert status == 200 and body == "database ok, jobs ok, polling ok"
    assert (await asyncio.to_thread(get, f"{address}/telegram"))[0] == 404  # no webhook here
    await h.stop()
    assert h.emulator.active_polls == 0  # polling stopped with the bot


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(emu: BotApiEmulator, folder: Path, **settings: str) -> dict[str, str]:
    """The environment of ``python -m bot`` against the emulator, on SQLite in ``folder``."""
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emu.api_url,
        "DATABASE_URL": f"sqlite:///{folder / 'kindbreak.sqlite3'}",
        "DATA_ENCRYPTION_KEY": TEST_KEY,
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
        **settings,
    }


@contextmanager
def running_bot(env: dict[str, str], cwd: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m bot`` as deployed, its output into ``log``; killed at the end if still
    running (a test that failed before stopping it)."""
    with log.open("wb") as out:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=cwd, env=env, stdout=out, stderr=out
        )
    try:
        yield bot
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()


async def terminated(bot: subprocess.Popen[bytes]) -> int:
    """Send SIGTERM, as systemd does, and wait for the exit code."""
    bot.send_signal(signal.SIGTERM)
    return await asyncio.to_thread(bot.wait, 30)


async def counted(url: str, messages: int, timeout: float = 10.0) -> bool:
    """Whether /metrics comes to count ``messages`` messages within ``timeout`` seconds
    (asked again every 50 ms: nothing tells this process when the child counts)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status, text = await asyncio.to_thread(get, url)
        assert status == 200
        if samples(text)["kindbreak_updates_total", (("kind", "message"),)] == messages:
            return True
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)


async def test_python_m_bot_serves_metrics_and_stops_in_order_on_sigterm(
    botapi_spec: BotApiSpec, tmp_path: Path
) -> None:
    port = free_port()
    with BotApiEmulator(token=TOKEN, validator=botapi_spec.validate) as emu:
        env = bot_env(emu, tmp_path, METRICS_PORT=str(port))
        log = tmp_path / "bot.log"
        with running_bot(env, tmp_path, log) as bot:
            await emu.wait_for(lambda: emu.active_polls > 0 or None, 60, description="polling")
            emu.add_user(USER, first_name="Sam")
            mark = emu.mark(USER)
            emu.send_text(USER, "/start")
            await emu.next_message(USER, after=mark, timeout=30)
            # counted once the update is finished, a moment after its answer went out
            assert await counted(f"http://127.0.0.1:{port}/metrics", 1)
            code = await terminated(bot)
        output = log.read_text()
        assert code == 0, output
        assert "Traceback" not in output
        assert emu.active_polls == 0 and emu.violations == []
