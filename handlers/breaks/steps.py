"""The break from its start to the last question: mood before, words, the three steps, the need."""

from __future__ import annotations

from enum import StrEnum

from bot.flow import KEEP, Turn
from bot.storage import crud
from bot.storage.models import Break, RatingKind
from bot.ui import keyboards
from bot.ui.callbacks import Flow
from handlers.common import mood_from_button, mood_from_text


class BreakState(StrEnum):
    """The steps of a break, in order."""

    MOOD_BEFORE = "mood_before"
    DIFFICULTY = "difficulty"
    MINDFULNESS = "mindfulness"
    COMMON_HUMANITY = "common_humanity"
    SELF_KINDNESS = "self_kindness"
    NEED = "need"
    MOOD_AFTER = "mood_after"


ORDER = list(BreakState)


BREAK_FLOW_NAME = "break"


async def current(turn: Turn) -> Break:
    assert turn.user.id is not None
    brk = await crud.get_break(turn.session, break_id=turn.ref, user_id=turn.user.id)
    if brk is None:
        raise LookupError(f"break {turn.ref} not found")
    return brk


async def reach(turn: Turn, brk: Break, state: BreakState) -> None:
    brk.last_step = state.value
    brk.steps_reached = max(brk.steps_reached, ORDER.index(state) + 1)
    turn.session.add(brk)
    await turn.session.flush()


async def ask_before(turn: Turn, brk: Break) -> str:
    await turn.say(
        turn.t("break.ask_before", scale=turn.t("mood.scale")),
        keyboards.mood_scale(Flow.BREAK, "before", turn.ref, turn.language, stop=True),
    )
    return BreakState.MOOD_BEFORE


async def start_break(turn: Turn) -> str:
    """/break or the menu button: begin a new break, or pick up the one under way."""
    conversation = turn.conversation
    if conversation is not None and conversation.flow == BREAK_FLOW_NAME:
        await turn.say(turn.t("break.already_in"))
        turn.ref = conversation.ref
        await show_state(turn, BreakState(conversation.state))
        return KEEP
    assert turn.user.id is not None
    # each break takes the next wording of every step, so repeated breaks don't feel canned
    taken = await crud.count_breaks(turn.session, user_id=turn.user.id)
    brk = await crud.start_break(turn.session, user_id=turn.user.id, now=turn.now, variant=taken)
    assert brk.id is not None
    turn.ref = brk.id
    await turn.say(turn.t("break.intro", variant=brk.variant))
    return await ask_before(turn, brk)


async def show_state(turn: Turn, state: BreakState) -> None:
    """Show one state of the break again, with its buttons."""
    brk = await current(turn)
    if state in PRACTICE:
        await show_practice(turn, brk, state)
        return
    prompts = {
        BreakState.MOOD_BEFORE: ask_before,
        BreakState.DIFFICULTY: ask_difficulty,
        BreakState.NEED: ask_need,
        BreakState.MOOD_AFTER: ask_after,
    }
    await prompts[state](turn, brk)


async def ask_difficulty(turn: Turn, brk: Break) -> str:
    await turn.say(
        turn.t("break.ask_difficulty"), keyboards.skip_or_stop(Flow.BREAK, turn.ref, turn.language)
    )
    return BreakState.DIFFICULTY


# the three steps of the practice: their texts, and an offset so wordings combine differently
PRACTICE = {
    BreakState.MINDFULNESS: ("break.mindfulness", 0),
    BreakState.COMMON_HUMANITY: ("break.common_humanity", 1),
    BreakState.SELF_KINDNESS: ("break.self_kindness", 2),
}


async def show_practice(turn: Turn, brk: Break, state: BreakState) -> str:
    key, offset = PRACTICE[state]
    await reach(turn, brk, state)
    await turn.say(
        turn.t(key, variant=brk.variant + offset), keyboards.next_or_stop(turn.ref, turn.language)
    )
    return state


async def ask_need(turn: Turn, brk: Break) -> str:
    await reach(turn, brk, BreakState.NEED)
    await turn.say(
        turn.t("break.ask_need"), keyboards.skip_or_stop(Flow.BREAK, turn.ref, turn.language)
    )
    return BreakState.NEED


async def ask_after(turn: Turn, brk: Break) -> str:
    await reach(turn, brk, BreakState.MOOD_AFTER)
    await turn.say(
        turn.t("break.ask_after", scale=turn.t("mood.scale")),
        keyboards.mood_scale(Flow.BREAK, "after", turn.ref, turn.language, stop=True),
    )
    return BreakState.MOOD_AFTER


async def rate(turn: Turn, value: int, kind: RatingKind) -> Break:
    brk = await current(turn)
    assert turn.user.id is not None
    stored = await crud.add_rating(
        turn.session, user_id=turn.user.id, value=value, kind=kind, now=turn.now, break_id=brk.id
    )
    if stored is not None:
        if kind == RatingKind.BREAK_BEFORE:
            brk.mood_before = value
        else:
            brk.mood_after = value
        turn.session.add(brk)
    return brk


async def mood_before(turn: Turn) -> str:
    """A 0–10 button before the break: store it and move on to the difficulty."""
    value = await mood_from_button(turn)
    return KEEP if value is None else await after_before_rating(turn, value)


async def mood_before_text(turn: Turn) -> str:
    """A typed number before the break."""
    value = await mood_from_text(turn)
    return KEEP if value is None else await after_before_rating(turn, value)


async def after_before_rating(turn: Turn, value: int) -> str:
    brk = await rate(turn, value, RatingKind.BREAK_BEFORE)
    await reach(turn, brk, BreakState.DIFFICULTY)
    return await ask_difficulty(turn, brk)


async def skip_before(turn: Turn) -> str:
    """Skip the first rating."""
    await turn.close_buttons()
    brk = await current(turn)
    await reach(turn, brk, BreakState.DIFFICULTY)
    return await ask_difficulty(turn, brk)


async def difficulty(turn: Turn) -> str:
    """The person's words about what weighs on them: keep them, then step 1."""
    brk = await current(turn)
    brk.difficulty = turn.text
    turn.session.add(brk)
    await turn.say(turn.t("break.difficulty_thanks", variant=brk.variant))
    return await show_practice(turn, brk, BreakState.MINDFULNESS)


async def skip_difficulty(turn: Turn) -> str:
    """No words needed: straight to step 1."""
    await turn.close_buttons()
    return await show_practice(turn, await current(turn), BreakState.MINDFULNESS)


async def next_from_mindfulness(turn: Turn) -> str:
    """Step 1 done: common humanity."""
    await turn.close_buttons()
    return await show_practice(turn, await current(turn), BreakState.COMMON_HUMANITY)


async def next_from_common_humanity(turn: Turn) -> str:
    """Step 2 done: self-kindness."""
    await turn.close_buttons()
    return await show_practice(turn, await current(turn), BreakState.SELF_KINDNESS)


async def next_from_self_kindness(turn: Turn) -> str:
    """Step 3 done: what do you need to hear?"""
    await turn.close_buttons()
    return await ask_need(turn, await current(turn))


async def need(turn: Turn) -> str:
    """The words the person needs to hear: keep them, then the last rating."""
    brk = await current(turn)
    brk.need = turn.text
    turn.session.add(brk)
    await turn.say(turn.t("break.need_thanks", variant=brk.variant))
    return await ask_after(turn, brk)


async def skip_need(turn: Turn) -> str:
    """Skip the need question."""
    await turn.close_buttons()
    return await ask_after(turn, await current(turn))
