"""One fitting next step, offered with "No thanks": after a check-in, a /mood, a break.

Which step is the pure rule of ``bot.core.suggestions``; this module gathers what it
needs (the feelings picked, the mood, the local hour) and says the offer.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.core.suggestions import Suggestion, suggest_practice
from bot.core.timezones import UTC_ZONE
from bot.flow import Exchange
from bot.storage import crud
from bot.storage import practices as practice_store
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix

# where each suggestion starts, and the label of its button
OFFERS: dict[Suggestion, tuple[Prefix, str]] = {
    Suggestion.BREAK: (Prefix.BREAK, "buttons.start_break"),
    Suggestion.CRITIC: (Prefix.CRITIC, "suggest.button.critic"),
    Suggestion.SOOTHE: (Prefix.SOOTHE, "suggest.button.soothe"),
    Suggestion.GRATITUDE: (Prefix.GRATITUDE, "suggest.button.gratitude"),
}
RECENT_FEELINGS = timedelta(hours=3)  # feelings picked this long before a break still count


def local_hour(exchange: Exchange) -> int:
    """The hour of the day where the person is."""
    return exchange.now.astimezone(ZoneInfo(exchange.user.time_zone or UTC_ZONE)).hour


def is_low(exchange: Exchange, mood: int | None) -> bool:
    """At or below the low-mood threshold."""
    return mood is not None and mood <= exchange.context.services.settings.low_mood_threshold


def choose(
    exchange: Exchange, *, tags: Collection[str], mood: int | None, after_break: bool = False
) -> Suggestion | None:
    """The one next step that fits now, or None."""
    return suggest_practice(
        tags=tags,
        mood=mood,
        low=is_low(exchange, mood),
        local_hour=local_hour(exchange),
        after_break=after_break,
    )


def offer_text(exchange: Exchange, suggestion: Suggestion, break_key: str, variant: int) -> str:
    """The words of the offer (a break's are the place's own: ``break_key``)."""
    if suggestion == Suggestion.BREAK:
        return exchange.t(break_key)
    return exchange.t(f"suggest.{suggestion.value}", variant=variant)


def offer_keyboard(exchange: Exchange, suggestion: Suggestion) -> InlineKeyboardMarkup:
    """The suggested step's button and "No thanks"."""
    prefix, label = OFFERS[suggestion]
    return practice_keyboards.offer(prefix, label, exchange.language)


async def offer_next_step(
    exchange: Exchange, *, tags: Collection[str], mood: int | None, break_key: str, variant: int
) -> Suggestion | None:
    """Offer the one fitting next step in a message of its own (nothing if none fits)."""
    suggestion = choose(exchange, tags=tags, mood=mood)
    if suggestion is None:
        return None
    text = offer_text(exchange, suggestion, break_key, variant)
    if is_low(exchange, mood):  # on a hard day, first their own words, if they kept any
        phrase = await own_phrase(exchange, variant)
        text = f"{exchange.t('suggest.own_phrase', phrase=phrase)}\n\n{text}" if phrase else text
    await exchange.say(text, offer_keyboard(exchange, suggestion))
    return suggestion


async def own_phrase(exchange: Exchange, variant: int) -> str | None:
    """One of the person's own phrases (a different one as ``variant`` moves on), or None."""
    assert exchange.user.id is not None
    phrases = await practice_store.list_phrases(exchange.session, user_id=exchange.user.id)
    return phrases[variant % len(phrases)].text if phrases else None


async def feelings_before(exchange: Exchange, *, user_id: int, started: datetime) -> set[str]:
    """The feelings picked with a rating shortly before ``started`` (a break's start)."""
    since = started - RECENT_FEELINGS
    return await crud.recent_tags(exchange.session, user_id=user_id, since=since)
