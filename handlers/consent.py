"""Consent: what is stored and why, asked before anything a person writes is kept."""

from __future__ import annotations

from bot.core.crisis_screen import Level, Screen
from bot.flow import UNCHANGED, Exchange
from bot.storage import crud
from bot.ui import privacy_keyboards
from bot.ui.helplines import format_line
from bot.ui.privacy_text import privacy_text
from bot.ui.safety_text import format_danger_now, format_sos
from bot.ui.violence_lines import child_directory, child_lines
from handlers.common import user_country
from handlers.share import is_invited


async def ask(exchange: Exchange) -> str:
    """The consent question (in full the first time in a conversation, short after)."""
    query = exchange.update.callback_query
    if query is not None:
        await exchange.toast(exchange.t("consent.again"))
    key = "consent.ask" if _first_ask(exchange) else "consent.again"
    message = exchange.update.message
    if message is not None and is_invited(message.text):  # opened from a colleague's link
        await exchange.say(exchange.t("share.welcome"))
    await exchange.say(exchange.t(key), privacy_keyboards.consent(exchange.language))
    return UNCHANGED


def _first_ask(exchange: Exchange) -> bool:
    message = exchange.update.message
    return message is not None and (message.text or "").split(" ")[0].startswith("/start")


async def record(exchange: Exchange) -> None:
    """'I agree': store the person (or mark who was here before) with the time they agreed."""
    tg_user = exchange.update.effective_user
    assert tg_user is not None
    found = await crud.touch_user(
        exchange.session,
        telegram_id=tg_user.id,
        first_name=tg_user.first_name,
        language_code=tg_user.language_code,
        now=exchange.now,
    )
    await crud.record_consent(exchange.session, user=found.user, now=exchange.now)
    exchange.user = found.user
    await exchange.close_buttons(exchange.t("buttons.consent.agree"))
    await exchange.say(exchange.t("consent.agreed"))


async def tell_more(exchange: Exchange) -> str:
    """'Tell me more': the privacy page, then the same question."""
    await exchange.say(
        privacy_text(exchange.language, exchange.context.services.settings.retention_months),
        privacy_keyboards.consent(exchange.language),
    )
    return UNCHANGED


async def not_now(exchange: Exchange) -> str:
    """'Not now': nothing is stored; /sos still works."""
    await exchange.close_buttons(exchange.t("buttons.consent.not_now"))
    await exchange.say(exchange.t("consent.not_now"))
    return UNCHANGED


async def under_18(exchange: Exchange) -> str:
    """'I'm under 18': kindly, a children's helpline; nothing is stored."""
    await exchange.close_buttons()
    country = user_country(exchange) or _region(exchange.user.language_code)
    lines = [
        exchange.t("consent.minor_line", line=format_line(line, exchange.language))
        for line in child_lines(country)
    ]
    directory = child_directory()
    if directory is not None:
        name, url = directory
        lines.append(exchange.t("consent.minor_directory", name=name.split(" (")[0], url=url))
    await exchange.say(exchange.t("consent.minor", lines="\n".join(lines)))
    return UNCHANGED


def _region(language_code: str | None) -> str | None:
    """The region of a language tag such as ``en-GB`` (None for a bare ``en``)."""
    parts = (language_code or "").replace("_", "-").split("-")
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else None


async def danger_unstored(exchange: Exchange, screen: Screen) -> None:
    """Signs of danger before consent: the help at once; nothing is stored."""
    country = user_country(exchange)
    if screen.level == Level.URGENT:
        from_others = bool(set(screen.categories) & {"abuse", "danger_from_others"})
        await exchange.say(
            format_danger_now(
                country,
                exchange.language,
                from_others=from_others,
                someone_else="someone_else_now" in screen.categories,
            )
        )
        return
    await exchange.say(format_sos(country, exchange.language))
