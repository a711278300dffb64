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
from bot.flow import KEEP, ConversationMoved, FlowSpec, Turn
from bot.storage import safety as safety_store
from bot.storage.models import ScreenHit
from bot.ui import safety_keyboards
from bot.ui.callbacks import Flow
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
_FROM_OTHERS = {"abuse", "danger_from_others"}


def _uid(turn: Turn) -> int:
    assert turn.user.id is not None
    return turn.user.id


async def _pause(turn: Turn, hit: ScreenHit) -> None:
    """Keep the flow under way where it is until the person says how they are."""
    conversation = turn.conversation
    if conversation is None:
        return
    if conversation.paused_by is not None:  # paused already: the newer words are held now
        earlier = await safety_store.get_hit(
            turn.session, hit_id=conversation.paused_by, user_id=_uid(turn)
        )
        if earlier is not None:
            await safety_store.take_held_text(turn.session, hit=earlier)
    if not await safety_store.set_paused(
        turn.session,
        user_id=_uid(turn),
        paused_by=hit.id,
        now=turn.now,
        expected_version=conversation.version,
    ):
        raise ConversationMoved
    conversation.paused_by = hit.id


async def danger_seen(turn: Turn, screen: Screen, held_text: str | None) -> None:
    """The screen saw danger: stop, answer with care, and keep the flow's place."""
    previous = await safety_store.latest_hit(turn.session, user_id=_uid(turn))
    hit = await safety_store.record_hit(
        turn.session,
        user_id=_uid(turn),
        now=turn.now,
        level=screen.level.value,
        categories=screen.categories,
        place=turn.place,
        held_text=held_text,
    )
    assert hit.id is not None
    log.info(
        "screen hit: level=%s categories=%s place=%s",
        screen.level.value,
        ",".join(sorted(screen.categories)),
        turn.place,
    )
    await _pause(turn, hit)
    country = user_country(turn)
    if screen.level == Level.URGENT:
        await turn.say(_danger_text(turn, hit))
        return
    recent = previous is not None and turn.now - previous.at < REPEAT_WINDOW
    if recent:
        await turn.say(
            turn.t("safety.concern_again"), safety_keyboards.are_you_safe(hit.id, turn.language)
        )
        return
    text = format_concern(country, turn.language, variant=hit.id)
    await turn.say(text, safety_keyboards.are_you_safe(hit.id, turn.language))


def _danger_text(turn: Turn, hit: ScreenHit) -> str:
    categories = set(hit.categories.split(","))
    return format_danger_now(
        user_country(turn),
        turn.language,
        from_others=bool(categories & _FROM_OTHERS),
        someone_else="someone_else_now" in categories,
    )


async def paused(turn: Turn) -> str:
    """Words or a button while a flow waits: ask again, kindly, how they are."""
    conversation = turn.conversation
    hit_id = conversation.paused_by if conversation is not None else None
    if turn.update.callback_query is not None:
        await turn.toast(turn.t("safety.paused_toast"))
    if hit_id is not None:
        await turn.say(
            turn.t("safety.paused"), safety_keyboards.are_you_safe(hit_id, turn.language)
        )
    return KEEP


async def _own_hit(turn: Turn) -> ScreenHit | None:
    """The screen hit a pressed button belongs to, if it is this person's."""
    hit_id = turn.callback.ref if turn.callback else 0
    hit = await safety_store.get_hit(turn.session, hit_id=hit_id, user_id=_uid(turn))
    if hit is None:
        await turn.toast(turn.t("fallback.forged_button"))
    return hit


def _paused_by(turn: Turn, hit: ScreenHit) -> bool:
    conversation = turn.conversation
    return conversation is not None and conversation.paused_by == hit.id


async def _answered(turn: Turn, answer: str, button: str) -> ScreenHit | None:
    """Store the answer to "are you safe?" and show it on the question; None if not theirs."""
    hit = await _own_hit(turn)
    if hit is not None:
        await safety_store.answer_hit(turn.session, hit=hit, answer=answer, now=turn.now)
        await turn.close_buttons(turn.t(f"safety.button.{button}"))
    return hit


async def _plan_text(turn: Turn) -> str | None:
    """The person's safety plan as a message, if they made one."""
    plan = await safety_store.get_plan(turn.session, user_id=_uid(turn))
    return format_plan(safety_store.filled_parts(plan), turn.language)


async def in_danger(turn: Turn) -> str:
    """'I'm in danger': the emergency number first, then the lines."""
    hit = await _answered(turn, "danger", "danger")
    if hit is not None:
        await turn.say(_danger_text(turn, hit))
    return KEEP


async def struggling(turn: Turn) -> str:
    """'Struggling, but safe for now': the lines, their plan or an offer of one, grounding."""
    hit = await _answered(turn, "struggling", "struggle")
    if hit is None:
        return KEEP
    await turn.say(format_support(user_country(turn), turn.language, variant=hit.id or 0))
    shown = await _plan_text(turn)
    if shown:
        await turn.say(shown)
    keyboard = safety_keyboards.after_support(
        hit.id or 0, turn.language, has_plan=shown is not None, paused=_paused_by(turn, hit)
    )
    await turn.say(turn.t("safety.grounding"), keyboard)
    return KEEP


async def okay(turn: Turn) -> str:
    """'I'm okay, let's go on': back to exactly where they were."""
    hit = await _answered(turn, "okay", "okay")
    if hit is None:
        return KEEP
    await turn.say(turn.t("safety.okay"))
    return await _go_back(turn, hit)


async def go_back(turn: Turn) -> str:
    """'Go back to where we were' after the lines."""
    hit = await _own_hit(turn)
    if hit is None:
        return KEEP
    await turn.close_buttons()
    if not _paused_by(turn, hit):
        await turn.toast(turn.t("fallback.stale_button"))
        return KEEP
    return await _go_back(turn, hit)


async def _go_back(turn: Turn, hit: ScreenHit) -> str:
    conversation = turn.conversation
    if conversation is None or not _paused_by(turn, hit):
        return KEEP
    held = await safety_store.take_held_text(turn.session, hit=hit)
    if not await safety_store.set_paused(
        turn.session,
        user_id=_uid(turn),
        paused_by=None,
        now=turn.now,
        expected_version=conversation.version,
    ):
        raise ConversationMoved
    turn.resume(held)
    return KEEP


async def sos(turn: Turn) -> str:
    """/sos or /urgent: help at once, from anywhere, also before onboarding."""
    await turn.say(format_sos(user_country(turn), turn.language))
    shown = await _plan_text(turn)
    if shown:
        await turn.say(shown)
    return KEEP


def build_flow() -> FlowSpec:
    """/sos, /urgent and the answers to "are you safe right now?" (no steps of its own)."""
    return FlowSpec(
        name="safety",
        prefix=Flow.SAFETY,
        commands={"sos": sos, "urgent": sos},
        buttons={
            "danger": in_danger,
            "struggle": struggling,
            "okay": okay,
            "back": go_back,
        },
        keeps_pause=True,
    )
