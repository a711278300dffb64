"""Building the application: handlers in order, shared resources, jobs."""

from __future__ import annotations

import gc
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from functools import partial
from typing import cast

from telegram import BotCommand
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import SERVICES_KEY, BotContext, KBApplication, Services
from bot.core.crisis_screen import warm as warm_screen
from bot.core.crisis_screen.result import Screen
from bot.core.flood import FloodGate
from bot.core.once import once
from bot.delivery.dispatch import Sender
from bot.delivery.lean_bot import LeanBot
from bot.delivery.planning import plan_missing
from bot.delivery.rate_limits import ReplyFirstRateLimiter
from bot.delivery.requests import AiohttpRequest
from bot.flow import DangerFn, Exchange, FlowRouter, FlowSpec
from bot.flow.errors import on_error
from bot.flow.ordering import PerPersonOrder
from bot.flow.spec import UnstoredDangerFn
from bot.jobs import schedule_jobs
from bot.metrics import METRICS_KEY, Metrics
from bot.storage.availability import ATTEMPT_LOCK_WAIT
from bot.storage.db import create_engine, migrate, session_factory
from bot.storage.encryption import WrongKeyError
from bot.storage.keys import verify_key
from bot.storage.models import DeliveryKind
from bot.storage.sending_turn import SendingTurn
from bot.ui.commands import MENU_COMMANDS
from bot.ui.summary import CHART_MODULES
from bot.ui.texts import t
from bot.workers import ProcessPool
from handlers import (
    breaks,
    checkin,
    checkin_settings,
    consent,
    export,
    help,
    history,
    learn,
    mood,
    onboarding,
    practices,
    privacy,
    safety,
    safety_plan,
    share,
    stats,
    summary,
)

log = logging.getLogger(__name__)


# the update types the bot asks Telegram for (edited messages are screened for danger too)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def build_flows() -> list[FlowSpec]:
    """Every conversation flow of the bot."""
    return [
        safety.build_flow(),
        safety_plan.build_flow(),
        onboarding.build_flow(),
        breaks.build_flow(),
        mood.build_flow(),
        checkin.build_flow(),
        checkin_settings.build_flow(),
        summary.build_flow(),
        help.build_flow(),
        practices.menu.build_flow(),
        practices.kindness.build_flow(),
        practices.critic.build_flow(),
        practices.friend.build_flow(),
        practices.soothe.build_flow(),
        practices.gratitude.build_flow(),
        practices.phrases.build_flow(),
        learn.build_flow(),
        share.build_flow(),
        privacy.build_flow(),
        export.build_flow(),
        history.build_flow(),
        stats.build_flow(),
    ]


def delivery_senders(app: KBApplication, *, paid: bool = False) -> Mapping[str, Sender]:
    """How each kind of scheduled delivery is sent: by the flow it belongs to (as paid
    broadcasts when ``paid``)."""
    return {
        DeliveryKind.CHECKIN: partial(checkin.send_prompt, app.bot, paid=paid),
        DeliveryKind.SUMMARY: partial(summary.send_scheduled_summary, app, paid=paid),
    }


def counted_danger(metrics: Metrics | None) -> tuple[DangerFn, UnstoredDangerFn]:
    """The answers to danger, each counting its level first (never the words)."""
    if metrics is None:
        return safety.danger_seen, consent.danger_unstored

    async def seen(exchange: Exchange, screen: Screen, held_text: str | None) -> None:
        metrics.crisis_hit(screen.level)
        await safety.danger_seen(exchange, screen, held_text)

    async def unstored(exchange: Exchange, screen: Screen) -> None:
        metrics.crisis_hit(screen.level)
        await consent.danger_unstored(exchange, screen)

    return seen, unstored


def build_router(
    flows: list[FlowSpec], settings: Settings, metrics: Metrics | None = None
) -> FlowRouter:
    """The private-chat router with its kind fallbacks and flood control."""
    flood = (
        FloodGate(burst=settings.flood_burst, per_minute=settings.flood_per_minute)
        if settings.flood_per_minute > 0
        else None
    )
    on_danger, on_danger_unstored = counted_danger(metrics)
    return FlowRouter(
        flows,
        on_unknown_command=help.unknown_command,
        on_free_text=help.free_text,
        on_other_message=help.other_message,
        on_forged_button=help.forged_button,
        on_stale_button=help.stale_button,
        on_cancel_nothing=help.cancel_nothing,
        on_danger=on_danger,
        on_paused=safety.paused,
        on_consent_needed=consent.ask,
        on_danger_unstored=on_danger_unstored,
        flood=flood,
    )


def bot_commands(flows: list[FlowSpec], language: str | None = None) -> list[BotCommand]:
    """The command menu registered with Telegram."""
    handled = {"cancel"} | {c for f in flows for c in f.commands}
    return [BotCommand(c, t(f"commands.{c}", language)) for c in MENU_COMMANDS if c in handled]


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    api_url: str | None = None,
    clock: Clock | None = None,
    instance: str | None = None,
    rate_limit: bool = True,
) -> KBApplication:
    """The bot application, ready for ``run_polling`` (or start/stop by hand in tests)."""
    if token is None:
        if settings.telegram_bot_token is None:
            raise ValueError("a token is needed (the demo passes the emulator's)")
        token = settings.telegram_bot_token.get()
    the_settings = replace(settings, telegram_api_url=api_url) if api_url else settings
    flows = build_flows()
    # never the name of an earlier run: what a killed run left claimed is told apart by it
    name = instance or f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}"

    metrics = Metrics()  # this application's own registry
    bot = LeanBot(
        token,
        base_url=the_settings.bot_base_url,
        base_file_url=the_settings.bot_base_file_url,
        # Bot API calls on aiohttp, at most BOT_API_CONNECTIONS in flight, the rest in turn
        request=AiohttpRequest(settings.bot_api_connections),
        # and getUpdates on a connection of its own (long polling holds it)
        get_updates_request=AiohttpRequest(1),
        # answers to people at once, scheduled sends within Telegram's ~30/s that answers leave
        rate_limiter=ReplyFirstRateLimiter(log_secret=settings.log_secret) if rate_limit else None,
    )
    app = cast(
        KBApplication,
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        # different people at once, each person's updates in order (state is per person)
        .concurrent_updates(PerPersonOrder(observe=metrics.observe_update))
        .post_init(_starter(settings, flows, clock or SystemClock(), name))
        .post_shutdown(_stop)
        .build(),
    )
    app.bot_data[METRICS_KEY] = metrics
    register_handlers(app, flows, settings, metrics)
    return app


def _starter(
    settings: Settings, flows: list[FlowSpec], clock: Clock, name: str
) -> Callable[[Application], Coroutine[object, object, None]]:  # type: ignore[type-arg]
    """What the application does once it is built: its database, services and jobs."""

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        # compiled in a thread once the bot is polling; a message that comes first waits for it
        assert app.job_queue is not None
        app.job_queue.run_once(_warm_screen, 0, name="compile the crisis screen")
        engine = create_engine(
            settings.database_url,
            keys=settings.encryption_keys,
            lock_wait_seconds=ATTEMPT_LOCK_WAIT,
        )
        try:
            await migrate(engine)
            await verify_key(engine)  # a wrong key stops here, before anything is shown
        except WrongKeyError:
            await engine.dispose()
            raise
        app.bot_data[SERVICES_KEY] = Services(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            clock=clock,
            instance=name,
            sending_turn=SendingTurn(engine),
            # its processes start on the first chart
            charts=ProcessPool(settings.chart_workers, preload=CHART_MODULES),
        )
        await app.bot.set_my_commands(bot_commands(flows))
        # after downtime: anyone whose next delivery is missing gets it planned before jobs start
        async with app.bot_data[SERVICES_KEY].sessions() as session:
            await plan_missing(session, now=clock.now())
            await session.commit()
        schedule_jobs(
            cast(KBApplication, app),
            {f.name: f for f in flows},
            delivery_senders(cast(KBApplication, app), paid=settings.paid_broadcasts),
            dispatch_every=settings.dispatch_interval_seconds,
            retention=settings.retention_months is not None,
        )

    return post_init


async def _warm_screen(context: BotContext) -> None:
    threading.Thread(target=_settle, name="compile the crisis screen", daemon=True).start()


@once
def _settle() -> None:
    """Compile the screen, then set everything made at start aside from garbage collection.

    What start-up made (modules, the screen's lexicon and weights, about 130,000 objects)
    lives as long as the process; a full collection walked all of it (about 70 ms, a stall
    for everyone waiting), and after ``gc.freeze`` it walks only what came later. Once per
    process: an application built again in the same process (tests) changes nothing.
    """
    warm_screen()
    gc.freeze()


async def _stop(app: Application) -> None:  # type: ignore[type-arg]
    """Hand the sending turn on, stop the chart processes, close the database."""
    services = app.bot_data.get(SERVICES_KEY)
    if isinstance(services, Services):
        await services.sending_turn.give_up()  # another instance sends from its next tick
        await services.charts.shutdown()
        await services.engine.dispose()
    log.info("Kindbreak stopped: updates, jobs and the database closed")


def register_handlers(
    app: KBApplication, flows: list[FlowSpec], settings: Settings, metrics: Metrics | None = None
) -> None:
    """The one place handlers are added; order within group 0 matters."""
    # 1. group chats: no flows there, only an invitation to a private chat
    app.add_handler(MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, help.group_chat))
    # 2. the person blocked or unblocked the bot: check-ins stop or start again
    app.add_handler(ChatMemberHandler(help.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # 3. everything in private chats, and every button press, by stored conversation state
    app.add_handler(build_router(flows, settings, metrics))
    app.add_error_handler(on_error)
