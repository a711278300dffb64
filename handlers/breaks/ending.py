"""How a break ends: the last rating and closing words, stopping, timing out, what comes after."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flow import END, KEEP, Turn
from bot.storage import crud
from bot.storage.models import BreakStatus, Conversation, RatingKind
from bot.ui import keyboards
from handlers.breaks.steps import (
    current,
    rate,
)
from handlers.common import mood_from_button, mood_from_text


async def mood_after(turn: Turn) -> str:
    """A 0–10 button after the break: store it and close."""
    value = await mood_from_button(turn)
    return KEEP if value is None else await finish(turn, value)


async def mood_after_text(turn: Turn) -> str:
    """A typed number after the break."""
    value = await mood_from_text(turn)
    return KEEP if value is None else await finish(turn, value)


async def skip_after(turn: Turn) -> str:
    """Finish without the last rating."""
    await turn.close_buttons()
    return await finish(turn, None)


def closing_key(before: int | None, after: int | None) -> str:
    """Which closing text fits the change from ``before`` to ``after``."""
    if before is None or after is None:
        return "break.closing_plain"
    if after > before:
        return "break.closing_better"
    if after == before:
        return "break.closing_same"
    return "break.closing_lower"


async def finish(turn: Turn, value: int | None) -> str:
    brk = (
        await rate(turn, value, RatingKind.BREAK_AFTER)
        if value is not None
        else await current(turn)
    )
    await crud.end_break(turn.session, brk=brk, status=BreakStatus.COMPLETED, now=turn.now)
    key = closing_key(brk.mood_before, brk.mood_after)
    text = turn.t(key, variant=brk.variant, before=brk.mood_before, after=brk.mood_after)
    if key == "break.closing_lower":
        await turn.say(text)
        await turn.say(
            turn.t("break.grounding_offer"), keyboards.grounding(turn.ref, turn.language)
        )
    else:
        await turn.say(text, keyboards.after_break(turn.ref, turn.language))
    return END


async def done(turn: Turn) -> str:
    """'Done' after a break: a warm goodbye, and the buttons go."""
    await turn.close_buttons()
    await turn.say(turn.t("break.done"))
    return KEEP


async def grounding(turn: Turn) -> str:
    """The grounding exercise offered after a hard break (any time later too)."""
    await turn.close_buttons()
    await turn.say(turn.t("break.grounding"))
    return KEEP


async def stop(turn: Turn) -> str:
    """'Stop for now' or /cancel: keep what was done, end gently."""
    await turn.close_buttons()
    brk = await current(turn)
    await crud.end_break(turn.session, brk=brk, status=BreakStatus.ABANDONED, now=turn.now)
    nothing_yet = brk.mood_before is None and brk.steps_reached <= 1 and not brk.difficulty
    await turn.say(turn.t("break.stopped_early" if nothing_yet else "break.stopped"))
    return END


async def no_thanks(turn: Turn) -> str:
    """'No thanks' to an offered break: a kind word, nothing else."""
    await turn.close_buttons(turn.t("buttons.no_thanks"))
    await turn.say(turn.t("break.no_thanks"))
    return KEEP


async def expire(session: AsyncSession, conversation: Conversation, now: datetime) -> None:
    """A break left unfinished: stored as abandoned, quietly."""
    brk = await crud.get_break(session, break_id=conversation.ref, user_id=conversation.user_id)
    if brk is not None:
        await crud.end_break(session, brk=brk, status=BreakStatus.ABANDONED, now=now)
