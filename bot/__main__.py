"""Run Kindbreak: ``python -m bot``. Without a token it runs the offline demo."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging

log = logging.getLogger("bot")


def main() -> int:
    """Load settings, then run against Telegram (token set) or the offline demo."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"kindbreak: configuration error: {exc}", file=sys.stderr)
        return 2
    from bot.storage.encryption import WrongKeyError

    try:
        return _run(settings)
    except WrongKeyError as exc:
        print(f"kindbreak: {exc}", file=sys.stderr)
        return 2


def _run(settings: Settings) -> int:
    if settings.demo:
        from bot.demo import run_demo

        logging.basicConfig(level=logging.WARNING)
        return asyncio.run(run_demo(settings))
    from bot.app import ALLOWED_UPDATES, build_application

    configure_logging(settings)
    app = build_application(settings)
    if settings.webhook is not None:
        from bot.webhook import run_webhook

        asyncio.run(run_webhook(app, settings.webhook, ALLOWED_UPDATES))
        return 0
    if settings.metrics_server is not None:
        from bot.webhook import run_polling_served, status_server

        server = status_server(app, settings.metrics_server)
        asyncio.run(run_polling_served(app, server, ALLOWED_UPDATES))
        return 0
    log.info("starting Kindbreak (long polling)")
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
