"""The end-to-end harness: the real application, real HTTP, the local Bot API emulator."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import Secret, Settings
from bot.context import KBApplication, Services
from bot.emulator import BotApiEmulator, BotMessage
from bot.jobs import DISPATCH_JOB
from bot.storage.db import create_engine, session_factory

WEBHOOK_SECRET = "emulated-webhook-secret-0123456789"


# how long a test waits for the bot's answer before failing: the first words a run screens
# (or the first city it looks up) load data for a second or two, more on a loaded machine
WAIT = 15.0


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The current fake instant."""
        return self.current

    def advance(self, **delta: float) -> datetime:
        """Move time forward."""
        self.current += timedelta(**delta)
        return self.current

    def set(self, instant: datetime) -> None:
        """Jump to an instant."""
        assert instant.tzinfo is not None
        self.current = instant


# the tests' own encryption key (made once with scripts/new-key; never a real one)
TEST_KEY = "q0U4m7oS3n2cH1d9uKgE0y6Yv1lqQm7QmXb4pJxW2nA="


def make_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a test bot."""
    base = Settings(
        telegram_bot_token=Secret("123456:emulated-token"),
        data_encryption_keys=(Secret(TEST_KEY),),
        database_url=database_url,
        chart_dir=tmp_path / "charts",
        # jobs run only when a test runs them (run_job), on the fake clock
        dispatch_interval_seconds=3600.0,
        # tests press and type faster than any person; tests/e2e/test_flood.py turns it on
        flood_per_minute=0,
        # charts in a thread of the test's process; tests/e2e/test_summary.py starts a pool
        chart_workers=0,
    )
    return replace(base, **overrides)


@dataclass
class Harness:
    """One running bot against the emulator, restartable on the same database."""

    emulator: BotApiEmulator
    settings: Settings
    clock: FakeClock
    apps: list[KBApplication] = field(default_factory=list)
    web_servers: dict[int, tuple[Any, asyncio.Task[None]]] = field(default_factory=dict)
    served: dict[int, tuple[Any, asyncio.Task[None]]] = field(default_factory=dict)

    @property
    def app(self) -> KBApplication:
        """The application started last."""
        return self.apps[-1]

    @property
    def services(self) -> Services:
        """The shared resources of the latest application."""
        services = self.app.bot_data["services"]
        assert isinstance(services, Services)
        return services

    async def start(self, instance: str = "test-1", *, poll: bool = True) -> KBApplication:
        """Build and start one more bot instance on the same database."""
        app = build_application(
            self.settings,
            token=self.emulator.token,
            api_url=self.emulator.api_url,
            clock=self.clock,
            instance=instance,
        )
        await app.initialize()
        assert app.post_init is not None  # run_polling calls it; started by hand, so do we
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        if poll:  # only one instance may poll; others share the database and run jobs
            await app.updater.start_polling(
                poll_interval=0.0, timeout=2, allowed_updates=ALLOWED_UPDATES
            )
        self.apps.append(app)
        return app

    async def start_webhook(self, instance: str = "test-webhook") -> str:
        """Start one more instance in webhook mode, registered with the emulator; its address."""
        import uvicorn

        from bot.config import Webhook
        from bot.webhook import build_web_app, register_webhook

        app = await self.start(instance, poll=False)
        probe = Webhook(url="http://127.0.0.1/telegram", secret=Secret(WEBHOOK_SECRET))
        config = uvicorn.Config(
            build_web_app(app, probe),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
        )
        server = uvicorn.Server(config)
        sock = socket.socket()  # bound here, so the port is known before serving starts
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        task = asyncio.create_task(server.serve(sockets=[sock]))
        address = f"http://127.0.0.1:{port}"
        webhook = replace(probe, url=f"{address}/telegram")
        await register_webhook(app, webhook, ALLOWED_UPDATES)
        self.web_servers[id(app)] = (server, task)
        return address

    async def start_polling_served(self, instance: str = "test-served") -> str:
        """Start one more instance as ``METRICS_PORT`` runs it: polling, with ``/metrics``
        and ``/healthz`` served in the same event loop; the address they are served at."""
        from bot.config import MetricsServer
        from bot.webhook import run_polling_served, status_server

        app = build_application(
            self.settings,
            token=self.emulator.token,
            api_url=self.emulator.api_url,
            clock=self.clock,
            instance=instance,
        )
        sock = socket.socket()  # bound here, so the port is known before serving starts
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = status_server(app, MetricsServer(port=port))
        polls = self.emulator.active_polls
        task = asyncio.create_task(run_polling_served(app, server, ALLOWED_UPDATES, sockets=[sock]))
        await self.emulator.wait_for(
            lambda: (task.done() or self.emulator.active_polls > polls) or None, 10
        )
        if task.done():
            await task  # it failed to start: say why
        self.apps.append(app)
        self.served[id(app)] = (server, task)
        return f"http://127.0.0.1:{port}"

    async def settled(self, timeout: float = WAIT) -> None:
        """Wait until every update the bot has taken is fully handled (buttons are answered
        before the rest of the answer is sent)."""
        await asyncio.wait_for(self.app.update_queue.join(), timeout)

    async def run_job(self, name: str, app: KBApplication | None = None) -> None:
        """Run one repeating job now, exactly as APScheduler runs it at its next tick."""
        target = app or self.app
        assert target.job_queue is not None
        (job,) = target.job_queue.get_jobs_by_name(name)
        await job.run(target)

    async def dispatch(self, app: KBApplication | None = None) -> None:
        """Run the delivery job now (check-ins and weekly summaries due on the fake clock)."""
        await self.run_job(DISPATCH_JOB, app)

    async def stop(self, app: KBApplication | None = None) -> None:
        """Stop one instance (the latest by default)."""
        target = app or self.app
        served = self.served.pop(id(target), None)
        if served is not None:  # it stops polling and the application itself
            server, task = served
            server.should_exit = True
            await task
            self.apps.remove(target)
            return
        web = self.web_servers.pop(id(target), None)
        if web is not None:
            server, task = web
            server.should_exit = True
            await task
        if target.updater is not None and target.updater.running:
            await target.updater.stop()
        if target.running:
            await target.stop()
        await target.shutdown()
        if target.post_shutdown is not None:
            await target.post_shutdown(target)
        self.apps.remove(target)

    async def restart(self) -> KBApplication:
        """Stop the bot and start a fresh one: nothing is kept in memory across this."""
        await self.stop()
        return await self.start(instance="test-restarted")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A separate database session for assertions."""
        engine = create_engine(self.settings.database_url, keys=self.settings.encryption_keys)
        try:
            async with session_factory(engine)() as session:
                yield session
        finally:
            await engine.dispose()

    async def say(self, user_id: int, text: str, *, timeout: float = WAIT) -> BotMessage:
        """Send a text and return the first bot message that follows."""
        mark = self.emulator.mark(user_id)
        self.emulator.send_text(user_id, text)
        return await self.emulator.next_message(user_id, after=mark, timeout=timeout)

    async def replies(
        self, user_id: int, count: int, *, after: int, timeout: float = WAIT
    ) -> list[BotMessage]:
        """Wait until ``count`` new bot messages arrived after message id ``after``."""

        def ready() -> list[BotMessage] | None:
            new = [m for m in self.emulator.chat_messages(user_id) if m.message_id > after]
            return new if len(new) >= count else None

        return await self.emulator.wait_for(ready, timeout=timeout)

    async def tap(self, user_id: int, label: str, *, expect: int = 1) -> list[BotMessage]:
        """Press a button by label; wait for the answer and ``expect`` new messages."""
        mark = self.emulator.mark(user_id)
        query_id = self.emulator.press(user_id, label)
        await self.emulator.wait_callback_answered(query_id, timeout=WAIT)
        await self.settled()  # the button is answered first, the rest follows
        if expect == 0:
            return []
        return await self.replies(user_id, expect, after=mark)

    async def tap_in_place(self, user_id: int, label: str) -> BotMessage:
        """Press a button whose next step takes the place of the pressed message; that
        message as it reads now (no new message came)."""
        before = {m.message_id: m for m in self.emulator.chat_messages(user_id)}
        mark = self.emulator.mark(user_id)
        await self.tap(user_id, label, expect=0)
        now = self.emulator.chat_messages(user_id)
        assert [m.text for m in now if m.message_id > mark] == [], "a new message was sent"
        moved = [m for m in now if m.message_id in before and m.text != before[m.message_id].text]
        assert len(moved) == 1, f"expected one message to change, got {len(moved)}"
        return moved[0]


async def onboard(
    h: Harness, user_id: int, *, zone_label: str = "Berlin", first_name: str = "Sam"
) -> None:
    """A new person says /start, agrees to what is stored and picks a time zone button."""
    h.emulator.add_user(user_id, first_name=first_name)
    await agree(h, user_id)
    await h.tap(user_id, zone_label, expect=2)


async def agree(h: Harness, user_id: int) -> list[BotMessage]:
    """/start and "I agree": returns the welcome and the time zone question."""
    consent = await h.say(user_id, "/start")
    assert "your data" in consent.text
    _thanks, *welcome = await h.tap(user_id, "I agree", expect=3)
    return welcome


async def practice_steps(h: Harness, user_id: int) -> BotMessage:
    """Next through a break's three steps (the first two turn in place); the need question."""
    await h.tap_in_place(user_id, "Next")
    await h.tap_in_place(user_id, "Next")
    (ask_need,) = await h.tap(user_id, "Next")
    return ask_need
