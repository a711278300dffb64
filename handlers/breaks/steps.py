"""The break from its start to the last question: mood before, words, the three steps, the need."""

from __future__ import annotations

from enum import StrEnum

from bot.flow import UNCHANGED, Exchange
from bot.storage import crud
from bot.storage import practices as practice_store
from bot.storage.models import Break, RatingKind
from bot.ui import keyboards, practice_keyboards
from bot.ui.callbacks import Prefix
from handlers.common import rating_steps


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


async def current(exchange: Exchange) -> Break:
    assert exchange.user.id is not None
    break_row = await crud.get_break(
        exchange.session, break_id=exchange.ref, user_id=exchange.user.id
    )
    if break_row is None:
        raise LookupError(f"break {exchange.ref} not found")
    return break_row


async def reach(exchange: Exchange, break_row: Break, state: BreakState) -> None:
    break_row.last_step = state.value
    break_row.steps_reached = max(break_row.steps_reached, ORDER.index(state) + 1)
    exchange.session.add(break_row)  # written with the conversation's move


async def ask_before(exchange: Exchange, break_row: Break) -> str:
    await exchange.say(
        exchange.t("break.ask_before", scale=exchange.t("mood.scale")),
        keyboards.mood_scale(Prefix.BREAK, "before", exchange.ref, exchange.language, stop=True),
    )
    return BreakState.MOOD_BEFORE


async def start_break(exchange: Exchange) -> str:
    """/break or the menu button: begin a new break, or pick up the one under way."""
    conversation = exchange.conversation
    if conversation is not None and conversation.flow == BREAK_FLOW_NAME:
        await exchange.say(exchange.t("break.already_in"))
        exchange.ref = conversation.ref
        await show_state(exchange, BreakState(conversation.state))
        return UNCHANGED
    assert exchange.user.id is not None
    # each break takes the next wording of every step, so repeated breaks don't feel canned
    break_row = await crud.start_break(exchange.session, user_id=exchange.user.id, now=exchange.now)
    assert break_row.id is not None
    exchange.ref = break_row.id
    await exchange.say(exchange.t("break.intro", variant=break_row.variant))
    return await ask_before(exchange, break_row)


async def show_state(exchange: Exchange, state: BreakState) -> None:
    """Show one state of the break again, with its buttons."""
    break_row = await current(exchange)
    if state in PRACTICE:
        await show_practice(exchange, break_row, state)
        return
    prompts = {
        BreakState.MOOD_BEFORE: ask_before,
        BreakState.DIFFICULTY: ask_difficulty,
        BreakState.NEED: ask_need,
        BreakState.MOOD_AFTER: ask_after,
    }
    await prompts[state](exchange, break_row)


async def ask_difficulty(exchange: Exchange, break_row: Break, *, in_place: bool = False) -> str:
    await exchange.say(
        exchange.t("break.ask_difficulty"),
        keyboards.skip_or_stop(Prefix.BREAK, exchange.ref, exchange.language),
        in_place=in_place,
    )
    return BreakState.DIFFICULTY


# the three steps of the practice: their texts, and an offset so wordings combine differently
PRACTICE = {
    BreakState.MINDFULNESS: ("break.mindfulness", 0),
    BreakState.COMMON_HUMANITY: ("break.common_humanity", 1),
    BreakState.SELF_KINDNESS: ("break.self_kindness", 2),
}


async def show_practice(
    exchange: Exchange, break_row: Break, state: BreakState, *, in_place: bool = False
) -> str:
    key, offset = PRACTICE[state]
    text = exchange.t(key, variant=break_row.variant + offset)
    if state == BreakState.SELF_KINDNESS:  # read first: the step's writes then go together
        text += await own_phrase(exchange, break_row)
    await reach(exchange, break_row, state)
    keyboard = keyboards.next_or_stop(exchange.ref, exchange.language)
    await exchange.say(text, keyboard, in_place=in_place)
    return state


async def own_phrase(exchange: Exchange, break_row: Break) -> str:
    """One of the person's own phrases for the kindness step (a different one each break)."""
    phrases = await practice_store.list_phrases(exchange.session, user_id=break_row.user_id)
    if not phrases:
        return ""
    chosen = phrases[break_row.variant % len(phrases)].text
    return "\n\n" + exchange.t("break.own_phrase", phrase=chosen)


async def ask_need(exchange: Exchange, break_row: Break) -> str:
    await reach(exchange, break_row, BreakState.NEED)
    await exchange.say(
        exchange.t("break.ask_need"),
        keyboards.skip_or_stop(Prefix.BREAK, exchange.ref, exchange.language),
    )
    return BreakState.NEED


async def ask_after(exchange: Exchange, break_row: Break, *, in_place: bool = False) -> str:
    await reach(exchange, break_row, BreakState.MOOD_AFTER)
    await exchange.say(
        exchange.t("break.ask_after", scale=exchange.t("mood.scale")),
        keyboards.mood_scale(Prefix.BREAK, "after", exchange.ref, exchange.language, stop=True),
        in_place=in_place,
    )
    return BreakState.MOOD_AFTER


async def rate(exchange: Exchange, value: int, kind: RatingKind) -> Break:
    break_row = await current(exchange)
    assert exchange.user.id is not None
    stored = await crud.add_rating(
        exchange.session,
        user_id=exchange.user.id,
        value=value,
        kind=kind,
        now=exchange.now,
        break_id=break_row.id,
    )
    if stored is not None:
        if kind == RatingKind.BREAK_BEFORE:
            break_row.mood_before = value
        else:
            break_row.mood_after = value
        exchange.session.add(break_row)
    return break_row


async def after_before_rating(exchange: Exchange, value: int) -> str:
    """The rating before the break stored: on to the difficulty."""
    break_row = await rate(exchange, value, RatingKind.BREAK_BEFORE)
    await reach(exchange, break_row, BreakState.DIFFICULTY)
    return await ask_difficulty(exchange, break_row)


# the rating before the break, by button or typed
mood_before, mood_before_text = rating_steps(after_before_rating)


# Moving on by a button, the next step takes the place of the pressed message (one edit)
# where nothing on it is worth keeping: an unanswered question, or a practice step that the
# next one follows on from. A rating chosen stays on screen, and so does the kindness step,
# which the person may read again while they write what they need to hear.


async def skip_before(exchange: Exchange) -> str:
    """Skip the first rating: the difficulty question in its place."""
    break_row = await current(exchange)
    await reach(exchange, break_row, BreakState.DIFFICULTY)
    return await ask_difficulty(exchange, break_row, in_place=True)


async def difficulty(exchange: Exchange) -> str:
    """The person's words about what weighs on them: keep them, then step 1."""
    break_row = await current(exchange)
    break_row.difficulty = exchange.text
    exchange.session.add(break_row)
    await exchange.wrote("breaks:difficulty", break_row.id)
    await exchange.say(exchange.t("break.difficulty_thanks", variant=break_row.variant))
    return await show_practice(exchange, break_row, BreakState.MINDFULNESS)


async def skip_difficulty(exchange: Exchange) -> str:
    """No words needed: step 1 in place of the question."""
    break_row = await current(exchange)
    return await show_practice(exchange, break_row, BreakState.MINDFULNESS, in_place=True)


async def next_from_mindfulness(exchange: Exchange) -> str:
    """Step 1 done: common humanity, in its place."""
    break_row = await current(exchange)
    return await show_practice(exchange, break_row, BreakState.COMMON_HUMANITY, in_place=True)


async def next_from_common_humanity(exchange: Exchange) -> str:
    """Step 2 done: self-kindness, in its place."""
    break_row = await current(exchange)
    return await show_practice(exchange, break_row, BreakState.SELF_KINDNESS, in_place=True)


async def next_from_self_kindness(exchange: Exchange) -> str:
    """Step 3 done (it stays on screen): what do you need to hear?"""
    await exchange.close_buttons()
    return await ask_need(exchange, await current(exchange))


async def need(exchange: Exchange) -> str:
    """The words the person needs to hear: keep them, then the last rating."""
    break_row = await current(exchange)
    break_row.need = exchange.text
    exchange.session.add(break_row)
    await exchange.wrote("breaks:need", break_row.id)
    await exchange.say(
        exchange.t("break.need_thanks", variant=break_row.variant),
        practice_keyboards.keep_phrase(Prefix.BREAK, exchange.ref, "need", exchange.language),
    )
    return await ask_after(exchange, break_row)


async def skip_need(exchange: Exchange) -> str:
    """Skip the need question: the last rating in its place."""
    return await ask_after(exchange, await current(exchange), in_place=True)
