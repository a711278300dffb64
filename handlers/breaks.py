"""/break: the guided self-compassion break (after Kristin Neff), mood before and after."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flow import END, KEEP, FlowSpec, Step, Turn
from bot.storage import crud
from bot.storage.models import Break, BreakStatus, Conversation, RatingKind
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


def closing_key(before: int | None, after: int | None) -> str:
    """Which closing text fits the change from ``before`` to ``after``."""
    if before is None or after is None:
        return "break.closing_plain"
    if after > before:
        return "break.closing_better"
    if after == before:
        return "break.closing_same"
    return "break.closing_lower"


async def _current(turn: Turn) -> Break:
    assert turn.user.id is not None
    brk = await crud.get_break(turn.session, break_id=turn.ref, user_id=turn.user.id)
    if brk is None:
        raise LookupError(f"break {turn.ref} not found")
    return brk


async def _reach(turn: Turn, brk: Break, state: BreakState) -> None:
    brk.last_step = state.value
    brk.steps_reached = max(brk.steps_reached, ORDER.index(state) + 1)
    turn.session.add(brk)
    await turn.session.flush()


async def _ask_before(turn: Turn, brk: Break) -> str:
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
        await _resend(turn, BreakState(conversation.state))
        return KEEP
    assert turn.user.id is not None
    # each break takes the next wording of every step, so repeated breaks don't feel canned
    taken = await crud.count_breaks(turn.session, user_id=turn.user.id)
    brk = await crud.start_break(turn.session, user_id=turn.user.id, now=turn.now, variant=taken)
    assert brk.id is not None
    turn.ref = brk.id
    await turn.say(turn.t("break.intro", variant=brk.variant))
    return await _ask_before(turn, brk)


async def _resend(turn: Turn, state: BreakState) -> None:
    brk = await _current(turn)
    if state in PRACTICE:
        await _show_practice(turn, brk, state)
        return
    prompts = {
        BreakState.MOOD_BEFORE: _ask_before,
        BreakState.DIFFICULTY: _ask_difficulty,
        BreakState.NEED: _ask_need,
        BreakState.MOOD_AFTER: _ask_after,
    }
    await prompts[state](turn, brk)


async def _ask_difficulty(turn: Turn, brk: Break) -> str:
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


async def _show_practice(turn: Turn, brk: Break, state: BreakState) -> str:
    key, offset = PRACTICE[state]
    await _reach(turn, brk, state)
    await turn.say(
        turn.t(key, variant=brk.variant + offset), keyboards.next_or_stop(turn.ref, turn.language)
    )
    return state


async def _ask_need(turn: Turn, brk: Break) -> str:
    await _reach(turn, brk, BreakState.NEED)
    await turn.say(
        turn.t("break.ask_need"), keyboards.skip_or_stop(Flow.BREAK, turn.ref, turn.language)
    )
    return BreakState.NEED


async def _ask_after(turn: Turn, brk: Break) -> str:
    await _reach(turn, brk, BreakState.MOOD_AFTER)
    await turn.say(
        turn.t("break.ask_after", scale=turn.t("mood.scale")),
        keyboards.mood_scale(Flow.BREAK, "after", turn.ref, turn.language, stop=True),
    )
    return BreakState.MOOD_AFTER


async def _rate(turn: Turn, value: int, kind: RatingKind) -> Break:
    brk = await _current(turn)
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
    return KEEP if value is None else await _after_before_rating(turn, value)


async def mood_before_text(turn: Turn) -> str:
    """A typed number before the break."""
    value = await mood_from_text(turn)
    return KEEP if value is None else await _after_before_rating(turn, value)


async def _after_before_rating(turn: Turn, value: int) -> str:
    brk = await _rate(turn, value, RatingKind.BREAK_BEFORE)
    await _reach(turn, brk, BreakState.DIFFICULTY)
    return await _ask_difficulty(turn, brk)


async def skip_before(turn: Turn) -> str:
    """Skip the first rating."""
    await turn.close_buttons()
    brk = await _current(turn)
    await _reach(turn, brk, BreakState.DIFFICULTY)
    return await _ask_difficulty(turn, brk)


async def difficulty(turn: Turn) -> str:
    """The person's words about what weighs on them: keep them, then step 1."""
    brk = await _current(turn)
    brk.difficulty = turn.text
    turn.session.add(brk)
    await turn.say(turn.t("break.difficulty_thanks", variant=brk.variant))
    return await _show_practice(turn, brk, BreakState.MINDFULNESS)


async def skip_difficulty(turn: Turn) -> str:
    """No words needed: straight to step 1."""
    await turn.close_buttons()
    return await _show_practice(turn, await _current(turn), BreakState.MINDFULNESS)


async def next_from_mindfulness(turn: Turn) -> str:
    """Step 1 done: common humanity."""
    await turn.close_buttons()
    return await _show_practice(turn, await _current(turn), BreakState.COMMON_HUMANITY)


async def next_from_common_humanity(turn: Turn) -> str:
    """Step 2 done: self-kindness."""
    await turn.close_buttons()
    return await _show_practice(turn, await _current(turn), BreakState.SELF_KINDNESS)


async def next_from_self_kindness(turn: Turn) -> str:
    """Step 3 done: what do you need to hear?"""
    await turn.close_buttons()
    return await _ask_need(turn, await _current(turn))


async def need(turn: Turn) -> str:
    """The words the person needs to hear: keep them, then the last rating."""
    brk = await _current(turn)
    brk.need = turn.text
    turn.session.add(brk)
    await turn.say(turn.t("break.need_thanks", variant=brk.variant))
    return await _ask_after(turn, brk)


async def skip_need(turn: Turn) -> str:
    """Skip the need question."""
    await turn.close_buttons()
    return await _ask_after(turn, await _current(turn))


async def mood_after(turn: Turn) -> str:
    """A 0–10 button after the break: store it and close."""
    value = await mood_from_button(turn)
    return KEEP if value is None else await _finish(turn, value)


async def mood_after_text(turn: Turn) -> str:
    """A typed number after the break."""
    value = await mood_from_text(turn)
    return KEEP if value is None else await _finish(turn, value)


async def skip_after(turn: Turn) -> str:
    """Finish without the last rating."""
    await turn.close_buttons()
    return await _finish(turn, None)


async def _finish(turn: Turn, value: int | None) -> str:
    brk = (
        await _rate(turn, value, RatingKind.BREAK_AFTER)
        if value is not None
        else await _current(turn)
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
    brk = await _current(turn)
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


async def resend(turn: Turn, state: str) -> None:
    """Show a break step again with its buttons (after a pause for the person's safety)."""
    await _resend(turn, BreakState(state))


BREAK_FLOW_NAME = "break"


def build_flow() -> FlowSpec:
    """The break conversation."""
    return FlowSpec(
        name=BREAK_FLOW_NAME,
        prefix=Flow.BREAK,
        commands={"break": start_break},
        buttons={"start": start_break, "ground": grounding, "nothanks": no_thanks, "done": done},
        steps={
            BreakState.MOOD_BEFORE: Step(
                buttons={"before": mood_before, "skip": skip_before, "stop": stop},
                on_text=mood_before_text,
                reminder="flow.pick_number",
            ),
            BreakState.DIFFICULTY: Step(
                buttons={"skip": skip_difficulty, "stop": stop}, on_text=difficulty
            ),
            BreakState.MINDFULNESS: Step(
                buttons={"next": next_from_mindfulness, "stop": stop}, reminder="flow.tap_next"
            ),
            BreakState.COMMON_HUMANITY: Step(
                buttons={"next": next_from_common_humanity, "stop": stop}, reminder="flow.tap_next"
            ),
            BreakState.SELF_KINDNESS: Step(
                buttons={"next": next_from_self_kindness, "stop": stop}, reminder="flow.tap_next"
            ),
            BreakState.NEED: Step(buttons={"skip": skip_need, "stop": stop}, on_text=need),
            BreakState.MOOD_AFTER: Step(
                buttons={"after": mood_after, "skip": skip_after, "stop": stop},
                on_text=mood_after_text,
                reminder="flow.pick_number",
            ),
        },
        on_cancel=stop,
        on_expire=expire,
        resend=resend,
    )
