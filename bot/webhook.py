"""The bot's web side: webhook mode, and ``/healthz`` and ``/metrics`` in either mode.

Webhook mode (``BOT_MODE=webhook``), after python-telegram-bot's custom-webhook example:
Starlette answers Telegram at once and puts the update on the application's queue; uvicorn
serves it. ``/healthz`` says whether the database answers and the jobs run; ``/metrics``
gives this instance's counters in Prometheus's text format (bot/metrics.py: kinds,
outcomes and levels, never a person). In polling mode the same two are served when
``METRICS_PORT`` is set, by uvicorn in the bot's own event loop, beside the polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.config import MetricsServer, Webhook
from bot.context import SERVICES_KEY, KBApplication, Services
from bot.metrics import CONTENT_TYPE, METRICS_KEY, Metrics

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(webhook: Webhook) -> str:
    """The path Telegram posts to: the path of ``WEBHOOK_URL`` (``/`` if it has none)."""
    return urlsplit(webhook.url).path or "/"


def status_routes(app: KBApplication, *, polling: bool = False) -> list[Route]:
    """``/healthz`` and ``/metrics`` of this instance (``polling``: polling must run too)."""

    async def healthz(request: Request) -> Response:
        services = app.bot_data.get(SERVICES_KEY)
        queue = app.job_queue
        jobs_running = queue is not None and queue.scheduler.running
        database = False
        if isinstance(services, Services):
            try:
                async with services.engine.connect() as connection:
                    await connection.execute(sa.text("SELECT 1"))
                database = True
            except Exception:
                log.warning("health check: the database does not answer", exc_info=True)
        healthy = database and jobs_running and app.running
        body = f"database {'ok' if database else 'down'}, jobs {'ok' if jobs_running else 'down'}"
        if polling:
            polls = app.updater is not None and app.updater.running
            healthy = healthy and polls
            body += f", polling {'ok' if polls else 'down'}"
        return PlainTextResponse(body, status_code=200 if healthy else 503)

    async def metrics(request: Request) -> Response:
        counted = app.bot_data.get(METRICS_KEY)
        if not isinstance(counted, Metrics):
            return Response(status_code=404)
        return Response(counted.render(), media_type=CONTENT_TYPE)

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]


def build_web_app(app: KBApplication, webhook: Webhook) -> Starlette:
    """The ASGI app: the webhook endpoint, ``/healthz`` and ``/metrics``."""
    secret = webhook.secret.get().encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, secret):
            return Response(status_code=403)
        try:
            update = Update.de_json(await request.json(), app.bot)
        except ValueError:
            return Response(status_code=400)
        await app.update_queue.put(update)  # handled by the application, not in this request
        return Response()

    return Starlette(
        routes=[Route(webhook_path(webhook), receive, methods=["POST"]), *status_routes(app)]
    )


async def register_webhook(app: KBApplication, webhook: Webhook, allowed: list[str]) -> None:
    """Tell Telegram where to post updates, with the secret it must send back."""
    await app.bot.set_webhook(
        url=webhook.url, secret_token=webhook.secret.get(), allowed_updates=allowed
    )


async def run_webhook(app: KBApplication, webhook: Webhook, allowed: list[str]) -> None:
    """Start the application and serve the webhook until stopped (Ctrl-C, SIGTERM); then
    stop the application in order."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            build_web_app(app, webhook),
            host=webhook.listen,
            port=webhook.port,
            log_level="warning",
            lifespan="off",
        )
    )
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        await register_webhook(app, webhook, allowed)
        log.info("starting Kindbreak (webhook on %s:%d)", webhook.listen, webhook.port)
        with _stopping_on_signals(server):
            await server.serve()
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def status_server(app: KBApplication, where: MetricsServer) -> uvicorn.Server:
    """uvicorn serving ``/healthz`` and ``/metrics`` beside polling, at ``where``."""
    import uvicorn

    web = Starlette(routes=status_routes(app, polling=True))
    config = uvicorn.Config(
        web, host=where.listen, port=where.port, log_level="warning", lifespan="off"
    )
    return uvicorn.Server(config)


async def run_polling_served(
    app: KBApplication,
    server: uvicorn.Server,
    allowed: list[str],
    *,
    sockets: list[socket.socket] | None = None,
) -> None:
    """Poll for updates and serve ``server`` in the same event loop, until stopped (Ctrl-C,
    SIGTERM, or ``server.should_exit``); then stop polling and the application in order."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=allowed)
        await app.start()
        log.info("starting Kindbreak (long polling, /metrics on %s)", server.config.port)
        with _stopping_on_signals(server):
            await server.serve(sockets=sockets)
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


@contextlib.contextmanager
def _stopping_on_signals(server: uvicorn.Server) -> Iterator[None]:
    """SIGINT and SIGTERM stop the server, after which the bot stops in order. (uvicorn
    takes the signals while it serves, then raises them again: to these handlers, not to
    the defaults that would end the process before the bot stopped.)"""
    loop = asyncio.get_running_loop()
    added = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, setattr, server, "should_exit", True)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            continue
        added.append(sig)
    try:
        yield
    finally:
        for sig in added:
            loop.remove_signal_handler(sig)
