"""Logging that keeps people out of the logs: no token, no words, no Telegram ids.

The bot's own records name a person only by ``bot.core.log_ids.log_id``. Records of
python-telegram-bot carry whole updates, messages and request parameters (at DEBUG, and
at CRITICAL when updates fail to parse): ``TelegramPayloadFilter`` replaces those
arguments with ``<redacted>`` and keeps the rest of the line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from telegram import TelegramObject

from bot.config import Settings

REDACTED = "<redacted>"
_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
_SMALL = 100_000  # counts, retries and seconds pass; anything the size of an id does not


class RedactingFilter(logging.Filter):
    """Replaces the bot token wherever it would appear in a log record."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (and traceback) without the token."""
        if not self._secret:
            return True
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, "<token>")
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self._secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self._secret, "<token>")
        return True


def _is_private(value: Any) -> bool:
    """Whether a logged argument could hold what a person wrote or who they are."""
    if value is None or isinstance(value, bool | float):
        return False
    if isinstance(value, int):
        return abs(value) >= _SMALL
    if isinstance(value, str):
        return len(value) > 64 or any(c in value for c in "{[(\"'")
    return isinstance(value, TelegramObject | Mapping | list | tuple | set | bytes) or (
        not isinstance(value, type | BaseException)
    )


class TelegramPayloadFilter(logging.Filter):
    """Redacts updates, messages and request data from python-telegram-bot's records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, with any argument that may hold a person's data redacted."""
        if not (record.name == "telegram" or record.name.startswith("telegram.")):
            return True
        if not isinstance(record.msg, str):
            record.msg, record.args = f"{type(record.msg).__name__} {REDACTED}", None
            return True
        args = record.args
        if not args:
            return True
        values = tuple(args.values()) if isinstance(args, Mapping) else tuple(args)
        if not any(_is_private(v) for v in values):
            return True
        shown = [REDACTED if _is_private(v) else str(v) for v in values]
        if isinstance(args, Mapping):
            record.msg = _SPEC.sub(REDACTED, record.msg)
            record.args = None
        else:
            record.msg = _SPEC.sub("%s", record.msg)
            record.args = tuple(shown)
        return True


def install_filters(handler: logging.Handler, token: str | None) -> None:
    """Put the privacy filters on one handler (every record it emits passes them)."""
    handler.addFilter(TelegramPayloadFilter())
    if token:
        handler.addFilter(RedactingFilter(token))


def configure_logging(settings: Settings) -> None:
    """Set up logging at the configured level, with the privacy filters on every handler."""
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL (with the token in it); the database drivers log every
    # statement's parameters at DEBUG
    for noisy in ("httpx", "httpcore", "apscheduler", "sqlalchemy", "aiosqlite", "asyncpg"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(settings.log_level)
    token = settings.telegram_bot_token.get() if settings.telegram_bot_token else None
    for handler in logging.getLogger().handlers:
        install_filters(handler, token)
