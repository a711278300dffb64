"""How a break ends: the last rating and closing words, stopping, timing out, what comes after."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flow import FINISHED, UNCHANGED, Exchange
from bot.storage import crud
from bot.storage.models import BreakStatus, Conversation, RatingKind
from bot.storage.practice_models import PhraseSource
from bot.ui import keyboards
from handlers import next_step
from handlers.breaks.steps import (
    current,
    rate,
)
from handlers.common import rating_steps
from handlers.practices.base import save_phrase


async def skip_after(exchange: Exchange) -> str:
    """Finish without the last rating: the closing words in place of the question."""
    return await finish(exchange, None, in_place=True)


def closing_key(before: int | None, after: int | None) -> str:
    """Which closing text fits the change from ``before`` to ``after``."""
    if before is None or after is None:
        return "break.closing_plain"
    if after > before:
        return "break.closing_better"
    if after == before:
        return "break.closing_same"
    return "break.closing_lower"


async def finish(exchange: Exchange, value: int | None, *, in_place: bool = False) -> str:
    """Store the break as completed and close it with words that fit the change."""
    break_row = (
        await rate(exchange, value, RatingKind.BREAK_AFTER)
        if value is not None
        else await current(exchange)
    )
    await crud.end_break(
        exchange.session, break_row=break_row, status=BreakStatus.COMPLETED, now=exchange.now
    )
    key = closing_key(break_row.mood_before, break_row.mood_after)
    text = exchange.t(
        key, variant=break_row.variant, before=break_row.mood_before, after=break_row.mood_after
    )
    if key == "break.closing_lower":  # kindness stirred up pain: grounding, not more practice
        await exchange.say(text, in_place=in_place)
        await exchange.say(
            exchange.t("break.grounding_offer"),
            keyboards.grounding(exchange.ref, exchange.language),
        )
        return FINISHED
    suggestion = next_step.choose(
        exchange,
        tags=await next_step.feelings_before(
            exchange, user_id=break_row.user_id, started=break_row.started_at
        ),
        mood=break_row.mood_after if break_row.mood_after is not None else break_row.mood_before,
        after_break=True,
    )
    if suggestion is None:
        keyboard = keyboards.after_break(exchange.ref, exchange.language)
        await exchange.say(text, keyboard, in_place=in_place)
    else:  # one next step instead of "another break"
        offer = next_step.offer_text(exchange, suggestion, "mood.low_offer", break_row.variant)
        keyboard = next_step.offer_keyboard(exchange, suggestion)
        await exchange.say(f"{text}\n\n{offer}", keyboard, in_place=in_place)
    return FINISHED


async def done(exchange: Exchange) -> str:
    """'Done' after a break: a warm goodbye, and the buttons go."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("break.done"))
    return UNCHANGED


async def grounding(exchange: Exchange) -> str:
    """The grounding exercise offered after a hard break (any time later too)."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("break.grounding"))
    return UNCHANGED


async def stop(exchange: Exchange) -> str:
    """'Stop for now' or /cancel: keep what was done, end gently."""
    await exchange.close_buttons()
    break_row = await current(exchange)
    await crud.end_break(
        exchange.session, break_row=break_row, status=BreakStatus.ABANDONED, now=exchange.now
    )
    nothing_yet = (
        break_row.mood_before is None and break_row.steps_reached <= 1 and not break_row.difficulty
    )
    await exchange.say(exchange.t("break.stopped_early" if nothing_yet else "break.stopped"))
    return FINISHED


async def no_thanks(exchange: Exchange) -> str:
    """'No thanks' to an offered break: a kind word, nothing else."""
    await exchange.close_buttons(exchange.t("buttons.no_thanks"))
    await exchange.say(exchange.t("break.no_thanks"))
    return UNCHANGED


async def expire(session: AsyncSession, conversation: Conversation, now: datetime) -> None:
    """A break left unfinished: stored as abandoned, quietly."""
    break_row = await crud.get_break(
        session, break_id=conversation.ref, user_id=conversation.user_id
    )
    if break_row is not None:
        await crud.end_break(session, break_row=break_row, status=BreakStatus.ABANDONED, now=now)


async def keep_need(exchange: Exchange) -> str:
    """'Keep these words': what they needed to hear goes into their phrases, once."""
    assert exchange.callback is not None and exchange.user.id is not None
    break_row = await crud.get_break(
        exchange.session, break_id=exchange.callback.ref, user_id=exchange.user.id
    )
    if break_row is None or not break_row.need:
        await exchange.refuse_button()
        return UNCHANGED
    await save_phrase(exchange, break_row.need, PhraseSource.BREAK, break_row.id)
    return UNCHANGED


# the rating after the break, by button or typed, then the closing
mood_after, mood_after_text = rating_steps(finish)
