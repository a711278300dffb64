"""/start and /timezone: welcome, and the person's time zone."""

from __future__ import annotations

import asyncio
from enum import StrEnum

from bot.core.timezones import COMMON_ZONES, local_now_label, parse_timezone
from bot.core.zone_suggestions import city_zone, suggest_zones, zone_named
from bot.delivery.planning import plan_user
from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step
from bot.storage import crud
from bot.ui import keyboards, settings_keyboards
from bot.ui.callbacks import Prefix
from bot.ui.helplines import format_help_short
from handlers import consent
from handlers.common import user_country


class OnboardingState(StrEnum):
    """The single question of onboarding."""

    TIMEZONE = "timezone"


async def start(exchange: Exchange) -> str:
    """/start: welcome a new person (and ask their zone), or greet a returning one."""
    name = exchange.user.first_name or exchange.t("start.no_name")
    if exchange.user.time_zone is not None:
        await exchange.say(
            exchange.t("start.welcome_back", variant=exchange.user.id or 0, name=name)
        )
        await exchange.say(exchange.t("start.ready"), keyboards.menu(exchange.language))
        return (
            FINISHED
            if exchange.conversation is not None and exchange.conversation.flow == "onboarding"
            else UNCHANGED
        )
    urgent = format_help_short(user_country(exchange), exchange.language)
    await exchange.say(exchange.t("start.welcome", name=name, urgent=urgent))
    await exchange.say(exchange.t("start.ask_timezone"), keyboards.time_zones(exchange.language))
    return OnboardingState.TIMEZONE


async def change_timezone(exchange: Exchange) -> str:
    """/timezone: show the current zone and ask for a new one."""
    zone = exchange.user.time_zone
    if zone is None:
        await exchange.say(
            exchange.t("start.ask_timezone"), keyboards.time_zones(exchange.language)
        )
    else:
        await exchange.say(
            exchange.t(
                "start.current_timezone", zone=zone, local_time=local_now_label(exchange.now, zone)
            ),
            keyboards.time_zones(exchange.language),
        )
    return OnboardingState.TIMEZONE


async def zone_button(exchange: Exchange) -> str:
    """A time zone button."""
    assert exchange.callback is not None
    index = exchange.callback.int_value(0, len(COMMON_ZONES) - 1)
    if index is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons()
    return await _set_zone(exchange, COMMON_ZONES[index][1])


async def other_zone(exchange: Exchange) -> str:
    """'Other': invite the person to type their city."""
    await exchange.say(exchange.t("start.timezone_other"))
    return OnboardingState.TIMEZONE


async def zone_text(exchange: Exchange) -> str:
    """A typed city or zone name; if none matches, close spellings as buttons (off the loop)."""
    text = exchange.text or ""
    zone = await asyncio.to_thread(parse_timezone, text)
    if zone is not None:
        return await _set_zone(exchange, zone)
    suggestions = await asyncio.to_thread(suggest_zones, text)
    if not suggestions:
        await exchange.say(exchange.t("start.timezone_unknown"))
    elif len(suggestions) == 1:
        place = keyboards.suggestion_label(suggestions[0], exchange.language)
        await exchange.say(
            exchange.t("start.suggest_one", place=place),
            keyboards.zone_suggestions(suggestions, exchange.language),
        )
    else:
        await exchange.say(
            exchange.t("start.suggest_some"),
            keyboards.zone_suggestions(suggestions, exchange.language),
        )
    return UNCHANGED


async def city_suggestion(exchange: Exchange) -> str:
    """A suggested city (its GeoNames id travels with the button)."""
    assert exchange.callback is not None
    value = exchange.callback.value
    known = value.isdigit() and len(value) <= 12
    found = await asyncio.to_thread(city_zone, int(value)) if known else None
    if found is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons(keyboards.suggestion_label(found, exchange.language))
    return await _set_zone(exchange, found.zone)


async def zone_suggestion(exchange: Exchange) -> str:
    """A suggested zone name (the name travels with the button)."""
    assert exchange.callback is not None
    zone = zone_named(exchange.callback.value)
    if zone is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons(zone)
    return await _set_zone(exchange, zone)


async def _set_zone(exchange: Exchange, zone: str) -> str:
    first_time = exchange.user.time_zone is None
    await crud.set_time_zone(exchange.session, user=exchange.user, zone=zone)
    # check-ins and summaries follow the new zone (slots already sent are not repeated)
    await plan_user(exchange.session, user=exchange.user, after=exchange.now)
    await exchange.say(
        exchange.t("start.timezone_set", zone=zone, local_time=local_now_label(exchange.now, zone))
    )
    if first_time:
        await exchange.say(exchange.t("start.ready"), settings_keyboards.ready(exchange.language))
    else:
        await exchange.say(exchange.t("start.schedules_follow"))
    return FINISHED


async def agreed(exchange: Exchange) -> str:
    """'I agree': consent is stored, then the welcome and the time zone question."""
    await consent.record(exchange)
    return await start(exchange)


def build_flow() -> FlowSpec:
    """The onboarding conversation."""
    return FlowSpec(
        name="onboarding",
        prefix=Prefix.ONBOARDING,
        commands={"start": start, "timezone": change_timezone},
        buttons={
            "agree": agreed,
            "more": consent.tell_more,
            "notnow": consent.not_now,
            "minor": consent.under_18,
        },
        open_before_consent=frozenset({"agree", "more", "notnow", "minor"}),
        steps={
            OnboardingState.TIMEZONE: Step(
                buttons={
                    "tz": zone_button,
                    "tzother": other_zone,
                    "tzcity": city_suggestion,
                    "tzname": zone_suggestion,
                },
                on_text=zone_text,
                reminder="start.timezone_other",
            )
        },
    )
