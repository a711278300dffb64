"""Settings: defaults, validation, and a token that never shows."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, Secret, load_settings
from bot.demo import with_demo_key
from bot.logs import RedactingFilter

TOKEN = "123456789:AAH-abcdefghijklmnopqrstuvwxyz_012345"
KEY = "q0U4m7oS3n2cH1d9uKgE0y6Yv1lqQm7QmXb4pJxW2nA="


def test_defaults_run_the_demo_on_sqlite() -> None:
    settings = load_settings({})
    assert settings.demo
    assert settings.database_url.startswith("sqlite:///")
    assert settings.bot_base_url == "https://api.telegram.org/bot"


def test_token_and_api_url() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "DATA_ENCRYPTION_KEY": KEY,
        }
    )
    assert not settings.demo
    assert settings.telegram_bot_token is not None and settings.telegram_bot_token.get() == TOKEN
    assert settings.bot_base_url == "http://127.0.0.1:8081/bot"
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"TELEGRAM_BOT_TOKEN": "changeme"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "12345:short"}, "TELEGRAM_BOT_TOKEN"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"LOG_ID_KEY": "too short"}, "LOG_ID_KEY"),
        ({"LOW_MOOD_THRESHOLD": "eleven"}, "LOW_MOOD_THRESHOLD"),
        ({"LOW_MOOD_THRESHOLD": "11"}, "LOW_MOOD_THRESHOLD"),
        ({"CHECKIN_GRACE_MINUTES": "-1"}, "CHECKIN_GRACE_MINUTES"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "DATA_ENCRYPTION_KEY"),
        ({"DATA_ENCRYPTION_KEY": "not-a-key"}, "DATA_ENCRYPTION_KEY"),
        ({"DATA_ENCRYPTION_KEY": f"{KEY},{KEY[:-4]}"}, "DATA_ENCRYPTION_KEY"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert variable in str(info.value)
    assert "\n" not in str(info.value)


def test_keys_newest_first_and_never_shown() -> None:
    other = "Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eHh4eHh4eHg="
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "DATA_ENCRYPTION_KEY": f" {KEY} ,{other}"}
    )
    assert settings.encryption_keys == [KEY, other]
    assert KEY not in repr(settings)


def test_a_bad_key_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings({"DATA_ENCRYPTION_KEY": KEY[:-3]})
    assert KEY[:-3] not in str(info.value)


def test_the_demo_makes_its_key_once(tmp_path: Path) -> None:
    settings = with_demo_key(load_settings({}), tmp_path / "data")
    again = with_demo_key(load_settings({}), tmp_path / "data")
    assert settings.encryption_keys == again.encryption_keys
    assert len(settings.encryption_keys) == 1
    assert (tmp_path / "data" / "encryption.key").stat().st_mode & 0o077 == 0


def test_bad_token_is_not_echoed() -> None:
    almost = TOKEN[:-20]
    with pytest.raises(ConfigError) as info:
        load_settings({"TELEGRAM_BOT_TOKEN": almost})
    assert almost not in str(info.value)


def test_redacting_filter_hides_the_token() -> None:
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "POST https://api/bot%s/getMe", (TOKEN,), None
    )
    RedactingFilter(TOKEN).filter(record)
    assert TOKEN not in record.getMessage()
    assert "<token>" in record.getMessage()
    assert TOKEN not in str(Secret(TOKEN))


def test_dotenv_file_is_read(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=debug\nLOW_MOOD_THRESHOLD=3\n")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.delenv("LOW_MOOD_THRESHOLD", raising=False)
    settings = load_settings(dotenv=env_file)
    assert settings.log_level == "DEBUG" and settings.low_mood_threshold == 3


def test_configured_logging_never_shows_the_token(caplog: pytest.LogCaptureFixture) -> None:
    from bot.logs import configure_logging

    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "DATA_ENCRYPTION_KEY": KEY})
    root = logging.getLogger()
    before = {id(h): list(h.filters) for h in root.handlers}
    try:
        with caplog.at_level(logging.INFO):
            configure_logging(settings)
            logging.getLogger("telegram.ext").error(
                "POST https://api.telegram.org/bot%s/sendMessage failed", TOKEN
            )
            logging.getLogger("bot").warning("token was " + TOKEN)
        assert caplog.text, "nothing was logged"
        assert TOKEN not in caplog.text
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    finally:
        for handler in root.handlers:
            handler.filters = before.get(id(handler), [])


def test_retention_is_six_or_twelve_months_or_unset() -> None:
    assert load_settings({}).retention_months is None
    assert load_settings({"RETENTION_MONTHS": ""}).retention_months is None
    assert load_settings({"RETENTION_MONTHS": "6"}).retention_months == 6
    assert load_settings({"RETENTION_MONTHS": " 12 "}).retention_months == 12
    for bad in ("3", "six", "-6", "24"):
        with pytest.raises(ConfigError, match=r"^RETENTION_MONTHS must be 6 or 12"):
            load_settings({"RETENTION_MONTHS": bad})


WEBHOOK = {
    "BOT_MODE": "webhook",
    "WEBHOOK_URL": "https://bot.example.org/telegram",
    "WEBHOOK_SECRET": "a-secret-of-enough-length_42",
}


def test_polling_is_the_default_and_webhook_mode_reads_its_settings() -> None:
    assert load_settings({}).webhook is None
    webhook = load_settings({**WEBHOOK, "WEBHOOK_PORT": "8443"}).webhook
    assert webhook is not None
    assert (webhook.url, webhook.listen, webhook.port) == (
        "https://bot.example.org/telegram",
        "127.0.0.1",
        8443,
    )
    assert webhook.secret.get() == WEBHOOK["WEBHOOK_SECRET"]
    assert WEBHOOK["WEBHOOK_SECRET"] not in repr(webhook)


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"BOT_MODE": "carrier-pigeon"}, "BOT_MODE"),
        ({"WEBHOOK_URL": ""}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": ""}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "has spaces in it, not allowed"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "0"}, "WEBHOOK_PORT"),
    ],
)
def test_bad_webhook_settings_name_the_variable(change: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable) as caught:
        load_settings({**WEBHOOK, **change})
    assert "has spaces" not in str(caught.value)  # a secret is never echoed


def test_metrics_port_serves_metrics_in_polling_mode_only() -> None:
    assert load_settings({}).metrics_server is None
    served = load_settings({"METRICS_PORT": "9108"}).metrics_server
    assert served is not None and (served.listen, served.port) == ("127.0.0.1", 9108)
    anywhere = load_settings({"METRICS_PORT": "9108", "METRICS_LISTEN": "0.0.0.0"})
    assert anywhere.metrics_server is not None and anywhere.metrics_server.listen == "0.0.0.0"
    for bad in ("0", "70000", "ninety"):
        with pytest.raises(ConfigError, match="METRICS_PORT"):
            load_settings({"METRICS_PORT": bad})
    with pytest.raises(ConfigError, match=r"METRICS_PORT.*WEBHOOK_PORT"):
        load_settings({**WEBHOOK, "METRICS_PORT": "9108"})


def test_flood_control_settings() -> None:
    settings = load_settings({"FLOOD_BURST": "5", "FLOOD_PER_MINUTE": "0"})
    assert (settings.flood_burst, settings.flood_per_minute) == (5, 0)
    defaults = load_settings({})
    assert (defaults.flood_burst, defaults.flood_per_minute) == (20, 60)
    with pytest.raises(ConfigError, match="FLOOD_BURST"):
        load_settings({"FLOOD_BURST": "0"})


def test_paid_broadcasts_are_off_unless_asked_for() -> None:
    assert load_settings({}).paid_broadcasts is False
    assert load_settings({"PAID_BROADCASTS": ""}).paid_broadcasts is False
    for yes in ("1", "true", "Yes", " on "):
        assert load_settings({"PAID_BROADCASTS": yes}).paid_broadcasts is True
    assert load_settings({"PAID_BROADCASTS": "0"}).paid_broadcasts is False
    with pytest.raises(ConfigError, match="PAID_BROADCASTS"):
        load_settings({"PAID_BROADCASTS": "please"})


def test_how_long_a_message_waits_for_the_database() -> None:
    assert load_settings({}).database_wait_seconds == 20.0
    assert load_settings({"DATABASE_WAIT_SECONDS": "4.5"}).database_wait_seconds == 4.5
    with pytest.raises(ConfigError, match="DATABASE_WAIT_SECONDS"):
        load_settings({"DATABASE_WAIT_SECONDS": "0"})


def test_log_ids_are_keyed_by_log_id_key_or_else_the_first_data_key() -> None:
    derived = load_settings({"DATA_ENCRYPTION_KEY": KEY})
    assert derived.log_secret == KEY
    own = load_settings({"DATA_ENCRYPTION_KEY": KEY, "LOG_ID_KEY": "a key for log ids only"})
    assert own.log_secret == "a key for log ids only"
    assert "a key for log ids only" not in repr(own)


def test_chart_workers_one_per_core_unless_set() -> None:
    assert load_settings({}).chart_workers is None
    assert load_settings({"CHART_WORKERS": "0"}).chart_workers == 0
    assert load_settings({"CHART_WORKERS": "3"}).chart_workers == 3
    with pytest.raises(ConfigError, match="CHART_WORKERS"):
        load_settings({"CHART_WORKERS": "-1"})
