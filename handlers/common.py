"""Small helpers shared by the flows."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.core.timezones import country_for_zone
from bot.flow import UNCHANGED, Exchange, StepFn

_NUMBER = re.compile(r"^\s*(\d{1,2})(?:\s*/\s*10)?\s*[.!]?\s*$")


def parse_mood(text: str | None) -> int | None:
    """A typed mood rating ("7", "7/10") within 0–10, or None."""
    if not text:
        return None
    match = _NUMBER.match(text)
    if match is None:
        return None
    value = int(match[1])
    return value if 0 <= value <= 10 else None


def user_country(exchange: Exchange) -> str | None:
    """The person's country, from their time zone (None when unknown)."""
    return country_for_zone(exchange.user.time_zone) if exchange.user.time_zone else None


async def mood_from_button(exchange: Exchange) -> int | None:
    """The 0–10 value of a pressed scale button (shown on the message), or None with a hint."""
    value = exchange.callback.int_value(0, 10) if exchange.callback else None
    if value is None:
        await exchange.toast(exchange.t("flow.pick_number"))
        return None
    await exchange.close_buttons(exchange.t("mood.chosen", value=value))
    return value


async def mood_from_text(exchange: Exchange) -> int | None:
    """A typed 0–10 value, or None after kindly asking again."""
    value = parse_mood(exchange.text)
    if value is None:
        await exchange.say(exchange.t("flow.pick_number"))
    return value


def rating_steps(then: Callable[[Exchange, int], Awaitable[str]]) -> tuple[StepFn, StepFn]:
    """The two ways to give a 0–10 rating, a scale button and a typed number, both going on
    to ``then`` with the value (a wrong press or word is answered and the step stays)."""

    async def by_button(exchange: Exchange) -> str:
        value = await mood_from_button(exchange)
        return UNCHANGED if value is None else await then(exchange, value)

    async def by_text(exchange: Exchange) -> str:
        value = await mood_from_text(exchange)
        return UNCHANGED if value is None else await then(exchange, value)

    return by_button, by_text
