"""Settings: defaults, validation, and a token that never shows."""

from __future__ import annotations

import logging

import pytest

from bot.config import ConfigError, RedactingFilter, Secret, load_settings

TOKEN = "123456789:AAH-abcdefghijklmnopqrstuvwxyz_012345"


def test_defaults_run_the_demo_on_sqlite() -> None:
    settings = load_settings({})
    assert settings.demo
    assert settings.database_url.startswith("sqlite:///")
    assert settings.bot_base_url == "https://api.telegram.org/bot"


def test_token_and_api_url() -> None:
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:8081/"}
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
        ({"LOW_MOOD_THRESHOLD": "eleven"}, "LOW_MOOD_THRESHOLD"),
        ({"LOW_MOOD_THRESHOLD": "11"}, "LOW_MOOD_THRESHOLD"),
        ({"CHECKIN_GRACE_MINUTES": "-1"}, "CHECKIN_GRACE_MINUTES"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert variable in str(info.value)
    assert "\n" not in str(info.value)


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
    from bot.config import configure_logging

    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
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
