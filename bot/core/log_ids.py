"""Telegram ids as they appear in logs: a keyed hash, never the id itself."""

from __future__ import annotations

import hashlib
import hmac

LOG_ID_LENGTH = 12  # hex characters: enough to tell people apart in a day of logs
_PURPOSE = b"kindbreak log ids"


def log_id(telegram_id: int | str, secret: str) -> str:
    """The short HMAC-SHA256 of ``telegram_id`` under a key derived from ``secret``."""
    key = hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, str(telegram_id).encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:LOG_ID_LENGTH]
