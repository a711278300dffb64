"""Settings of the HTTP servers: Telegram's webhook, and /metrics in polling mode."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config.values import ConfigError, Secret, read_int

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # Telegram's secret_token alphabet


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates (``BOT_MODE=webhook``) and where the bot listens."""

    url: str
    secret: Secret
    listen: str = "127.0.0.1"
    port: int = 8080


@dataclass(frozen=True)
class MetricsServer:
    """Where ``/metrics`` and ``/healthz`` are served in polling mode (``METRICS_PORT``)."""

    port: int
    listen: str = "127.0.0.1"


def webhook_settings(env: Mapping[str, str]) -> Webhook | None:
    """``BOT_MODE``, ``WEBHOOK_*``: None in polling mode."""
    mode = env.get("BOT_MODE", "").strip().lower() or "polling"
    if mode == "polling":
        return None
    if mode != "webhook":
        raise ConfigError(f"BOT_MODE must be polling or webhook, got {mode!r}")
    url = env.get("WEBHOOK_URL", "").strip()
    if not re.match(r"^https?://[^\s/]+/\S*$", url):
        raise ConfigError("WEBHOOK_URL must be the public https address Telegram posts to")
    secret = env.get("WEBHOOK_SECRET", "").strip()
    if not _SECRET_RE.match(secret):
        # never echo the value
        raise ConfigError("WEBHOOK_SECRET must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
    listen = env.get("WEBHOOK_LISTEN", "").strip() or "127.0.0.1"
    port = read_int(env, "WEBHOOK_PORT", 8080, 1, 65535)
    return Webhook(url=url, secret=Secret(secret), listen=listen, port=port)


def metrics_settings(env: Mapping[str, str], webhook: Webhook | None) -> MetricsServer | None:
    """``METRICS_PORT`` and ``METRICS_LISTEN``: None when unset."""
    if not env.get("METRICS_PORT", "").strip():
        return None
    if webhook is not None:
        raise ConfigError(
            "METRICS_PORT is for polling mode; in webhook mode /metrics and /healthz are "
            "served on WEBHOOK_PORT"
        )
    port = read_int(env, "METRICS_PORT", 0, 1, 65535)
    listen = env.get("METRICS_LISTEN", "").strip() or "127.0.0.1"
    return MetricsServer(port=port, listen=listen)
