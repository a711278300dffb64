"""Answering danger: /sos, and what happens when the screen sees signs of danger in words.

On ``urgent`` the answer is at once the emergency number and the lines, nothing else. On
``concern`` a warm word and "are you safe right now?"; the flow under way is paused with
its state kept, and "I'm okay, let's go on" hands the held words back to the step they
were written for. Only levels and categories are logged, never the words.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.crisis_screen import Level, Screen
from bot.core.crisis_screen.result import FROM_OTHERS_CATEGORIES
from bot.flow import UNCHANGED, ConversationMoved, Exchange, FlowSpec
from bot.storage import safety as safety_store
from bot.storage.models import ScreenHit
from bot.ui import safety_keyboards
from bot.ui.callbacks import Prefix
from bot.ui.safety_text import (
    format_concern,
    format_danger_now,
    format_plan,
    format_sos,
    format_support,
)
from handlers.common import user_country

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=10)  # within this, a concern gets a short reminder instead


async def _pause(exchange: Exchange, hit: ScreenHit) -> None:
    """Keep the flow under way where it is until the person says how they are."""
    conversation = exchange.conversation
    if conversation is None:
        return
    if conversation.paused_by is not None:  # paused already: the newer words are held now
        earlier = await safety_store.get_hit(
            exchange.session, hit_id=conversation.paused_by, user_id=exchange.user_id
        )
        if earlier is not None:
            await safety_store.take_held_text(exchange.session, hit=earlier)
    if not await safety_store.set_paused(
        exchange.session,
        user_id=exchange.user_id,
        paused_by=hit.id,
        now=exchange.now,
        expected_version=conversation.version,
    ):
        raise ConversationMoved
    conversation.paused_by = hit.id


async def danger_seen(exchange: Exchange, screen: Screen, held_text: str | None) -> None:
    """The screen saw danger: stop, answer with care, and keep the flow's place."""
    previous = await safety_store.latest_hit(exchange.session, user_id=exchange.user_id)
    hit = await safety_store.record_hit(
        exchange.session,
        user_id=exchange.user_id,
        now=exchange.now,
        level=screen.level.value,
        categories=screen.categories,
        place=exchange.place,
        held_text=held_text,
    )
    assert hit.id is not None
    log.info(
        "screen hit: level=%s categories=%s place=%s",
        screen.level.value,
        ",".join(sorted(screen.categories)),
        exchange.place,
    )
    await _pause(exchange, hit)
    country = user_country(exchange)
    if screen.level == Level.URGENT:
        await exchange.say(_danger_text(exchange, hit))
        return
    recent = previous is not None and exchange.now - previous.at < REPEAT_WINDOW
    if recent:
        await exchange.say(
            exchange.t("safety.concern_again"),
            safety_keyboards.are_you_safe(hit.id, exchange.language),
        )
        return
    text = format_concern(country, exchange.language, variant=hit.id, indirect=screen.indirect)
    await exchange.say(text, safety_keyboards.are_you_safe(hit.id, exchange.language))


def _danger_text(exchange: Exchange, hit: ScreenHit) -> str:
    categories = set(hit.categories.split(","))
    return format_danger_now(
        user_country(exchange),
        exchange.language,
        from_others=bool(categories & FROM_OTHERS_CATEGORIES),
        someone_else="someone_else_now" in categories,
    )


async def paused(exchange: Exchange) -> str:
    """Words or a button while a flow waits: ask again, kindly, how they are."""
    conversation = exchange.conversation
    hit_id = conversation.paused_by if conversation is not None else None
    if exchange.update.callback_query is not None:
        await exchange.toast(exchange.t("safety.paused_toast"))
    if hit_id is not None:
        await exchange.say(
            exchange.t("safety.paused"), safety_keyboards.are_you_safe(hit_id, exchange.language)
        )
    return UNCHANGED


async def _own_hit(exchange: Exchange) -> ScreenHit | None:
    """The screen hit a pressed button belongs to, if it is this person's."""
    hit_id = exchange.callback.ref if exchange.callback else 0
    hit = await safety_store.get_hit(exchange.session, hit_id=hit_id, user_id=exchange.user_id)
    if hit is None:
        await exchange.refuse_button()
    return hit


def _paused_by(exchange: Exchange, hit: ScreenHit) -> bool:
    conversation = exchange.conversation
    return conversation is not None and conversation.paused_by == hit.id


async def _answered(exchange: Exchange, answer: str, button: str) -> ScreenHit | None:
    """Store the answer to "are you safe?" and show it on the question; None if not theirs."""
    hit = await _own_hit(exchange)
    if hit is not None:
        await safety_store.answer_hit(exchange.session, hit=hit, answer=answer, now=exchange.now)
        await exchange.close_buttons(exchange.t(f"safety.button.{button}"))
    return hit


async def _plan_text(exchange: Exchange) -> str | None:
    """The person's safety plan as a message, if they made one."""
    plan = await safety_store.get_plan(exchange.session, user_id=exchange.user_id)
    return format_plan(safety_store.filled_parts(plan), exchange.language)


async def in_danger(exchange: Exchange) -> str:
    """'I'm in danger': the emergency number first, then the lines."""
    hit = await _answered(exchange, "danger", "danger")
    if hit is not None:
        await exchange.say(_danger_text(exchange, hit))
    return UNCHANGED


async def struggling(exchange: Exchange) -> str:
    """'Struggling, but safe for now': the lines, their plan or an offer of one, grounding."""
    hit = await _answered(exchange, "struggling", "struggle")
    if hit is None:
        return UNCHANGED
    await exchange.say(
        format_support(user_country(exchange), exchange.language, variant=hit.id or 0)
    )
    shown = await _plan_text(exchange)
    if shown:
        await exchange.say(shown)
    keyboard = safety_keyboards.after_support(
        hit.id or 0, exchange.language, has_plan=shown is not None, paused=_paused_by(exchange, hit)
    )
    await exchange.say(exchange.t("safety.grounding"), keyboard)
    return UNCHANGED


async def okay(exchange: Exchange) -> str:
    """'I'm okay, let's go on': back to exactly where they were."""
    hit = await _answered(exchange, "okay", "okay")
    if hit is None:
        return UNCHANGED
    await exchange.say(exchange.t("safety.okay"))
    return await _go_back(exchange, hit)


async def go_back(exchange: Exchange) -> str:
    """'Go back to where we were' after the lines."""
    hit = await _own_hit(exchange)
    if hit is None:
        return UNCHANGED
    await exchange.close_buttons()
    if not _paused_by(exchange, hit):
        await exchange.toast(exchange.t("fallback.stale_button"))
        return UNCHANGED
    return await _go_back(exchange, hit)


async def _go_back(exchange: Exchange, hit: ScreenHit) -> str:
    conversation = exchange.conversation
    if conversation is None or not _paused_by(exchange, hit):
        return UNCHANGED
    held = await safety_store.take_held_text(exchange.session, hit=hit)
    if not await safety_store.set_paused(
        exchange.session,
        user_id=exchange.user_id,
        paused_by=None,
        now=exchange.now,
        expected_version=conversation.version,
    ):
        raise ConversationMoved
    exchange.resume(held)
    return UNCHANGED


async def sos(exchange: Exchange) -> str:
    """/sos or /urgent: help at once, from anywhere, also before onboarding."""
    await exchange.say(format_sos(user_country(exchange), exchange.language))
    shown = await _plan_text(exchange) if exchange.user.id is not None else None
    if shown:
        await exchange.say(shown)
    return UNCHANGED


def build_flow() -> FlowSpec:
    """/sos, /urgent and the answers to "are you safe right now?" (no steps of its own)."""
    return FlowSpec(
        name="safety",
        prefix=Prefix.SAFETY,
        commands={"sos": sos, "urgent": sos},
        buttons={
            "danger": in_danger,
            "struggle": struggling,
            "okay": okay,
            "back": go_back,
        },
        keeps_pause=True,
        open_before_consent=frozenset({"sos", "urgent"}),
    )
