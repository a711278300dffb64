"""/privacy and /delete: what is kept and why, and erasing all of it (asked twice)."""

from __future__ import annotations

import logging
from enum import StrEnum

from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step
from bot.storage import erasure
from bot.ui import privacy_keyboards
from bot.ui.callbacks import Prefix
from bot.ui.privacy_text import privacy_text

log = logging.getLogger(__name__)


class PrivacyState(StrEnum):
    """The two questions before erasing."""

    ASK = "ask"
    CONFIRM = "confirm"


async def show_privacy(exchange: Exchange) -> str:
    """/privacy: the same as the consent, in plain language, with encryption and retention."""
    await exchange.say(
        privacy_text(exchange.language, exchange.context.services.settings.retention_months)
    )
    return UNCHANGED


async def delete(exchange: Exchange) -> str:
    """/delete: the first question."""
    if exchange.user.id is None:
        await exchange.say(exchange.t("delete.nothing"))
        return UNCHANGED
    await exchange.say(exchange.t("delete.ask"), privacy_keyboards.erase(exchange.language))
    return PrivacyState.ASK


async def erase_asked(exchange: Exchange) -> str:
    """'Erase my data': the second question, saying exactly what will be lost."""
    assert exchange.user.id is not None
    held = await erasure.count_holdings(exchange.session, user_id=exchange.user.id)
    plan = exchange.t("delete.plan_yes" if held.safety_plan else "delete.plan_no")
    await exchange.close_buttons(exchange.t("buttons.delete.erase"))
    await exchange.say(
        exchange.t(
            "delete.confirm",
            ratings=held.ratings,
            breaks=held.breaks,
            plan=plan,
            practices=held.practices,
            gratitude=held.gratitude,
            phrases=held.phrases,
        ),
        privacy_keyboards.erase_sure(exchange.language),
    )
    return PrivacyState.CONFIRM


async def erase_confirmed(exchange: Exchange) -> str:
    """'Yes, erase everything': every row of theirs goes, check-ins and summaries stop."""
    assert exchange.user.id is not None
    await erasure.erase_user(exchange.session, user_id=exchange.user.id)
    log.info("a person erased their data")
    await exchange.close_buttons(exchange.t("buttons.delete.sure"))
    await exchange.say(exchange.t("delete.done"))
    return UNCHANGED  # the conversation row is gone with everything else


async def keep(exchange: Exchange) -> str:
    """'Keep my data': nothing changes."""
    await exchange.close_buttons(exchange.t("buttons.delete.keep"))
    await exchange.say(exchange.t("delete.kept"))
    return FINISHED


def build_flow() -> FlowSpec:
    """/privacy and the erasing conversation."""
    return FlowSpec(
        name="privacy",
        prefix=Prefix.PRIVACY,
        commands={"privacy": show_privacy, "delete": delete},
        steps={
            PrivacyState.ASK: Step(buttons={"erase": erase_asked, "keep": keep}),
            PrivacyState.CONFIRM: Step(buttons={"sure": erase_confirmed, "keep": keep}),
        },
        keeps_pause=True,
        open_before_consent=frozenset({"privacy", "delete", "erase", "sure", "keep"}),
    )
