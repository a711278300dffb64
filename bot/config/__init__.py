"""Settings: read once from the environment (and ``.env``) by ``load_settings``."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config.servers import MetricsServer, Webhook, metrics_settings, webhook_settings
from bot.config.values import ConfigError, Secret, read_flag, read_float, read_int

__all__ = [
    "ConfigError",
    "MetricsServer",
    "Secret",
    "Settings",
    "Webhook",
    "load_settings",
]

DEFAULT_DATABASE_URL = "sqlite:///data/kindbreak.sqlite3"
DEFAULT_API_URL = "https://api.telegram.org"
_TOKEN_RE = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
_PLACEHOLDERS = {"", "changeme", "your-token-here", "123456:abc", "<token>"}


@dataclass(frozen=True)
class Settings:
    """Every setting of the bot; see ``.env.example`` for what each one means."""

    telegram_bot_token: Secret | None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str = DEFAULT_API_URL
    log_level: str = "INFO"
    low_mood_threshold: int = 4
    checkin_grace_minutes: int = 30
    dispatch_interval_seconds: float = 20.0
    conversation_timeout_minutes: int = 30
    # how long a person's update waits for a busy or unreachable database before they are
    # told plainly that it was not saved (they hear "one moment" after two seconds)
    database_wait_seconds: float = 20.0
    chart_dir: Path = field(default_factory=lambda: Path("data/charts"))
    # processes that draw summary charts (None: one per core; 0: a thread of the bot's process)
    chart_workers: int | None = None
    # flood control, per person: a burst at once, then this many a minute (0 turns it off)
    flood_burst: int = 20
    flood_per_minute: int = 60
    # Bot API requests in flight at once (the rest wait their turn; see bot/delivery/requests.py)
    bot_api_connections: int = 64
    # scheduled sends as Telegram's paid broadcasts: up to 1,000 a second, for a fee in Stars
    paid_broadcasts: bool = False
    # newest first: the first encrypts, every one decrypts (see scripts/rotate-key)
    data_encryption_keys: tuple[Secret, ...] = ()
    # entries older than this many months are deleted automatically (None: kept)
    retention_months: int | None = None
    # the key of the hashes that stand for Telegram ids in logs (None: from the first data key)
    log_id_key: Secret | None = None
    # Telegram ids of the people who may use /stats (counts over everyone, nothing personal)
    admin_user_ids: frozenset[int] = frozenset()

    @property
    def log_secret(self) -> str:
        """What Telegram ids are hashed under in logs (see ``bot.core.log_ids``)."""
        if self.log_id_key is not None:
            return self.log_id_key.get()
        return self.data_encryption_keys[0].get() if self.data_encryption_keys else ""

    @property
    def encryption_keys(self) -> list[str]:
        """The encryption keys as text, newest first."""
        return [k.get() for k in self.data_encryption_keys]

    webhook: Webhook | None = None  # None: long polling
    metrics_server: MetricsServer | None = None  # polling mode: None serves nothing

    @property
    def demo(self) -> bool:
        """True when no token is set: the bot runs the offline terminal demo."""
        return self.telegram_bot_token is None

    @property
    def bot_base_url(self) -> str:
        """The Bot API base address PTB appends ``<token>/<method>`` to."""
        return self.telegram_api_url.rstrip("/") + "/bot"

    @property
    def bot_base_file_url(self) -> str:
        """The Bot API file download base address."""
        return self.telegram_api_url.rstrip("/") + "/file/bot"


def _chart_workers(env: Mapping[str, str]) -> int | None:
    if not env.get("CHART_WORKERS", "").strip():
        return None
    return read_int(env, "CHART_WORKERS", 0, 0, 256)


RETENTION_CHOICES = (6, 12)


def _retention(env: Mapping[str, str]) -> int | None:
    raw = env.get("RETENTION_MONTHS", "").strip()
    if not raw:
        return None
    if raw not in {str(m) for m in RETENTION_CHOICES}:
        raise ConfigError(f"RETENTION_MONTHS must be 6 or 12 (or unset to keep), got {raw!r}")
    return int(raw)


def _token(env: Mapping[str, str]) -> Secret | None:
    raw = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not raw:
        return None
    if raw.lower() in _PLACEHOLDERS or not _TOKEN_RE.match(raw):
        # never echo the value: it may be a real token with a typo
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected '<digits>:<key>' "
            "from @BotFather); leave it empty to run the offline demo"
        )
    return Secret(raw)


def _database_url(env: Mapping[str, str]) -> str:
    raw = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    base = scheme.split("+", 1)[0]
    if base not in {"sqlite", "postgresql", "postgres"}:
        raise ConfigError(
            "DATABASE_URL must start with sqlite:/// or postgresql://, "
            f"got scheme {scheme or '(none)'!r}"
        )
    return raw


def _api_url(env: Mapping[str, str]) -> str:
    raw = env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
    if not re.match(r"^https?://[^\s/]+", raw):
        raise ConfigError(f"TELEGRAM_API_URL must be an http(s) address, got {raw!r}")
    return raw.rstrip("/")


def _log_level(env: Mapping[str, str]) -> str:
    raw = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if raw not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return raw


def _keys(env: Mapping[str, str], *, token_set: bool) -> tuple[Secret, ...]:
    from cryptography.fernet import Fernet

    raw = env.get("DATA_ENCRYPTION_KEY", "")
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys and token_set:
        raise ConfigError(
            "DATA_ENCRYPTION_KEY is not set: make one with scripts/new-key and keep it safe"
        )
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            # never echo the value: it may be a real key with a typo
            raise ConfigError(
                f"DATA_ENCRYPTION_KEY: key {number} is not a key made by scripts/new-key"
            ) from None
    return tuple(Secret(k) for k in keys)


def _log_id_key(env: Mapping[str, str]) -> Secret | None:
    raw = env.get("LOG_ID_KEY", "").strip()
    if not raw:
        return None
    if len(raw) < 16:
        # never echo the value
        raise ConfigError("LOG_ID_KEY must be at least 16 characters (or unset)")
    return Secret(raw)


def _admin_ids(env: Mapping[str, str]) -> frozenset[int]:
    raw = env.get("ADMIN_USER_IDS", "")
    ids = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) < 2**63:
            raise ConfigError(
                f"ADMIN_USER_IDS must be Telegram user ids, comma-separated, got {part!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: Path | None = None) -> Settings:
    """Read and validate the settings; raise ``ConfigError`` naming the first bad variable."""
    if env is None:
        from dotenv import dotenv_values

        file_values = {
            k: v for k, v in dotenv_values(dotenv or Path(".env")).items() if v is not None
        }
        env = {**file_values, **os.environ}
    chart_dir = env.get("CHART_DIR", "").strip()
    token = _token(env)
    webhook = webhook_settings(env)
    return Settings(
        telegram_bot_token=token,
        data_encryption_keys=_keys(env, token_set=token is not None),
        database_url=_database_url(env),
        telegram_api_url=_api_url(env),
        log_level=_log_level(env),
        low_mood_threshold=read_int(env, "LOW_MOOD_THRESHOLD", 4, 0, 10),
        checkin_grace_minutes=read_int(env, "CHECKIN_GRACE_MINUTES", 30, 0, 24 * 60),
        dispatch_interval_seconds=read_float(env, "DISPATCH_INTERVAL_SECONDS", 20.0, 0.05, 600.0),
        conversation_timeout_minutes=read_int(env, "CONVERSATION_TIMEOUT_MINUTES", 30, 1, 24 * 60),
        database_wait_seconds=read_float(env, "DATABASE_WAIT_SECONDS", 20.0, 1.0, 600.0),
        flood_burst=read_int(env, "FLOOD_BURST", 20, 1, 1000),
        flood_per_minute=read_int(env, "FLOOD_PER_MINUTE", 60, 0, 6000),
        bot_api_connections=read_int(env, "BOT_API_CONNECTIONS", 64, 1, 1024),
        paid_broadcasts=read_flag(env, "PAID_BROADCASTS", False),
        chart_dir=Path(chart_dir) if chart_dir else Path("data/charts"),
        chart_workers=_chart_workers(env),
        retention_months=_retention(env),
        log_id_key=_log_id_key(env),
        admin_user_ids=_admin_ids(env),
        webhook=webhook,
        metrics_server=metrics_settings(env, webhook),
    )
