"""``python -m bot`` in webhook mode stops in order on SIGTERM: uvicorn stops serving,
then the application stops and shuts down, its jobs stop and the database is closed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.emulator import BotApiEmulator
from tests.e2e.test_metrics_port import TOKEN, bot_env, free_port, running_bot, terminated
from tests.e2e.test_webhook import get
from tests.support.botapi import BotApiSpec
from tests.support.harness import WEBHOOK_SECRET

USER = 6501


async def test_python_m_bot_in_webhook_mode_stops_in_order_on_sigterm(
    botapi_spec: BotApiSpec, tmp_path: Path
) -> None:
    port = free_port()
    with BotApiEmulator(token=TOKEN, validator=botapi_spec.validate) as emu:
        env = bot_env(
            emu,
            tmp_path,
            BOT_MODE="webhook",
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
            WEBHOOK_PORT=str(port),
        )
        log = tmp_path / "bot.log"
        with running_bot(env, tmp_path, log) as bot:
            await emu.wait_for(lambda: emu.webhook_url or None, 60, description="setWebhook")
            emu.add_user(USER, first_name="Sam")
            mark = emu.mark(USER)
            emu.send_text(USER, "/start")  # posted to the bot's webhook
            await emu.next_message(USER, after=mark, timeout=30)
            assert (await asyncio.to_thread(get, f"http://127.0.0.1:{port}/healthz"))[0] == 200
            code = await terminated(bot)
        output = log.read_text()
        assert code == 0, output
        assert "Traceback" not in output
        assert "Kindbreak stopped: updates, jobs and the database closed" in output
        assert emu.violations == []
