"""Webhook mode (``BOT_MODE=webhook``): Telegram posts updates to a small ASGI app.

After python-telegram-bot's custom-webhook example: Starlette answers Telegram at once and
puts the update on the application's queue; uvicorn serves it. ``/healthz`` says whether
the database answers and the jobs run; ``/metrics`` gives this instance's counters in
Prometheus's text format (bot/metrics.py: kinds, outcomes and levels, never a person).
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.config import Webhook
from bot.context import SERVICES_KEY, KBApplication, Services
from bot.metrics import CONTENT_TYPE, METRICS_KEY, Metrics

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(webhook: Webhook) -> str:
    """The path Telegram posts to: the path of ``WEBHOOK_URL`` (``/`` if it has none)."""
    return urlsplit(webhook.url).path or "/"


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
        return PlainTextResponse(body, status_code=200 if healthy else 503)

    async def metrics(request: Request) -> Response:
        counted = app.bot_data.get(METRICS_KEY)
        if not isinstance(counted, Metrics):
            return Response(status_code=404)
        return Response(counted.render(), media_type=CONTENT_TYPE)

    return Starlette(
        routes=[
            Route(webhook_path(webhook), receive, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    )


async def register_webhook(app: KBApplication, webhook: Webhook, allowed: list[str]) -> None:
    """Tell Telegram where to post updates, with the secret it must send back."""
    await app.bot.set_webhook(
        url=webhook.url, secret_token=webhook.secret.get(), allowed_updates=allowed
    )


async def run_webhook(app: KBApplication, webhook: Webhook, allowed: list[str]) -> None:
    """Start the application and serve the webhook until stopped (Ctrl-C, SIGTERM)."""
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
        await server.serve()
    finally:
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
