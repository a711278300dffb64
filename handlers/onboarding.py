"""/start and /timezone: welcome, and the person's time zone."""

from __future__ import annotations

import asyncio
from enum import StrEnum

from bot.core.timezones import COMMON_ZONES, local_now_label, parse_timezone
from bot.delivery.planning import plan_user
from bot.flow import END, KEEP, FlowSpec, Step, Turn
from bot.storage import crud
from bot.ui import keyboards, settings_keyboards
from bot.ui.callbacks import Flow
from bot.ui.helplines import format_help_short
from handlers.common import user_country


class OnboardingState(StrEnum):
    """The single question of onboarding."""

    TIMEZONE = "timezone"


async def start(turn: Turn) -> str:
    """/start: welcome a new person (and ask their zone), or greet a returning one."""
    name = turn.user.first_name or "there"
    if turn.user.time_zone is not None:
        await turn.say(turn.t("start.welcome_back", variant=turn.user.id or 0, name=name))
        await turn.say(turn.t("start.ready"), keyboards.menu(turn.language))
        return (
            END
            if turn.conversation is not None and turn.conversation.flow == "onboarding"
            else KEEP
        )
    urgent = format_help_short(user_country(turn), turn.language)
    await turn.say(turn.t("start.welcome", name=name, urgent=urgent))
    await turn.say(turn.t("start.ask_timezone"), keyboards.time_zones(turn.language))
    return OnboardingState.TIMEZONE


async def change_timezone(turn: Turn) -> str:
    """/timezone: show the current zone and ask for a new one."""
    zone = turn.user.time_zone
    if zone is None:
        await turn.say(turn.t("start.ask_timezone"), keyboards.time_zones(turn.language))
    else:
        await turn.say(
            turn.t("start.current_timezone", zone=zone, local_time=local_now_label(turn.now, zone)),
            keyboards.time_zones(turn.language),
        )
    return OnboardingState.TIMEZONE


async def zone_button(turn: Turn) -> str:
    """A time zone button."""
    assert turn.callback is not None
    index = turn.callback.int_value(0, len(COMMON_ZONES) - 1)
    if index is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    await turn.close_buttons()
    return await _set_zone(turn, COMMON_ZONES[index][1])


async def other_zone(turn: Turn) -> str:
    """'Other': invite the person to type their city."""
    await turn.say(turn.t("start.timezone_other"))
    return OnboardingState.TIMEZONE


async def zone_text(turn: Turn) -> str:
    """A typed city or zone name (the first city look-up reads the city tables: off the loop)."""
    zone = await asyncio.to_thread(parse_timezone, turn.text or "")
    if zone is None:
        await turn.say(turn.t("start.timezone_unknown"))
        return KEEP
    return await _set_zone(turn, zone)


async def _set_zone(turn: Turn, zone: str) -> str:
    first_time = turn.user.time_zone is None
    await crud.set_time_zone(turn.session, user=turn.user, zone=zone)
    # check-ins and summaries follow the new zone (slots already sent are not repeated)
    await plan_user(turn.session, user=turn.user, after=turn.now)
    await turn.say(
        turn.t("start.timezone_set", zone=zone, local_time=local_now_label(turn.now, zone))
    )
    if first_time:
        await turn.say(turn.t("start.ready"), settings_keyboards.ready(turn.language))
    else:
        await turn.say(turn.t("start.schedules_follow"))
    return END


def build_flow() -> FlowSpec:
    """The onboarding conversation."""
    return FlowSpec(
        name="onboarding",
        prefix=Flow.ONBOARDING,
        commands={"start": start, "timezone": change_timezone},
        steps={
            OnboardingState.TIMEZONE: Step(
                buttons={"tz": zone_button, "tzother": other_zone},
                on_text=zone_text,
                reminder="start.timezone_other",
            )
        },
    )
