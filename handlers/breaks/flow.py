"""The break flow: its states, commands, buttons and steps, in one spec."""

from __future__ import annotations

from bot.flow import Exchange, FlowSpec, Step
from bot.storage.models import Break
from bot.ui.callbacks import Prefix
from handlers.breaks.ending import (
    done,
    expire,
    grounding,
    keep_need,
    mood_after,
    mood_after_text,
    no_thanks,
    skip_after,
    stop,
)
from handlers.breaks.steps import (
    BREAK_FLOW_NAME,
    BreakState,
    difficulty,
    mood_before,
    mood_before_text,
    need,
    next_from_common_humanity,
    next_from_mindfulness,
    next_from_self_kindness,
    show_state,
    skip_before,
    skip_difficulty,
    skip_need,
    start_break,
)


async def resend(exchange: Exchange, state: str) -> None:
    """Show a break step again with its buttons (after a pause for the person's safety)."""
    await show_state(exchange, BreakState(state))


def build_flow() -> FlowSpec:
    """The break conversation."""
    return FlowSpec(
        name=BREAK_FLOW_NAME,
        prefix=Prefix.BREAK,
        commands={"break": start_break},
        buttons={
            "start": start_break,
            "ground": grounding,
            "nothanks": no_thanks,
            "done": done,
            "keep": keep_need,
        },
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
        record=Break,
    )
