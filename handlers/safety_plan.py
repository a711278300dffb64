"""/safetyplan: a short guided safety plan after Stanley and Brown, each part skippable.

Seven parts, asked one at a time: warning signs, things I can do on my own, people and
places that help me feel better, people I can ask for help, professionals and services,
making my surroundings safer, my reasons for living. Each answer is saved at once, so
stopping half-way keeps what was written. Later, any part can be changed on its own;
/sos and the crisis answers show the plan.
"""

from __future__ import annotations

from enum import StrEnum

from bot.flow import END, KEEP, FlowSpec, Step, StepFn, Turn
from bot.storage import safety as safety_store
from bot.storage.safety import PLAN_PARTS
from bot.ui import safety_keyboards
from bot.ui.callbacks import Flow
from bot.ui.safety_text import format_plan


class PlanState(StrEnum):
    """One state per part of the guided plan, plus changing one part later."""

    WARNING_SIGNS = "warning_signs"
    COPING = "coping"
    DISTRACTIONS = "distractions"
    PEOPLE = "people"
    PROFESSIONALS = "professionals"
    ENVIRONMENT = "environment"
    REASONS = "reasons"
    EDITING = "editing"  # ref is the index of the part being changed


GUIDED = [PlanState(part) for part in PLAN_PARTS]


def _uid(turn: Turn) -> int:
    assert turn.user.id is not None
    return turn.user.id


async def _ask(turn: Turn, part: str, ref: int) -> None:
    number = PLAN_PARTS.index(part) + 1
    await turn.say(
        turn.t(f"plan.ask.{part}", number=number, total=len(PLAN_PARTS)),
        safety_keyboards.plan_step(ref, turn.language),
    )


async def _show(turn: Turn) -> bool:
    """Show the plan with its buttons; False when it has nothing in it yet."""
    plan = await safety_store.get_plan(turn.session, user_id=_uid(turn))
    shown = format_plan(safety_store.filled_parts(plan), turn.language)
    if shown is None:
        return False
    await turn.say(shown, safety_keyboards.plan_actions(turn.language))
    return True


async def start_plan(turn: Turn) -> str:
    """/safetyplan or its button: show the plan, or begin making one."""
    await turn.close_buttons()
    if await _show(turn):
        return KEEP
    turn.ref = 0
    await turn.say(turn.t("plan.intro"))
    await _ask(turn, PLAN_PARTS[0], 0)
    return GUIDED[0]


async def _next(turn: Turn, state: PlanState) -> str:
    index = GUIDED.index(state) + 1
    if index < len(GUIDED):
        await _ask(turn, GUIDED[index].value, 0)
        return GUIDED[index]
    await turn.say(turn.t("plan.finished"))
    await _show(turn)
    return END


def _guided_text(state: PlanState) -> StepFn:
    async def answer(turn: Turn) -> str:
        """Keep the words for this part, then ask the next."""
        await safety_store.save_plan_part(
            turn.session, user_id=_uid(turn), part=state.value, text=turn.text, now=turn.now
        )
        return await _next(turn, state)

    return answer


def _guided_skip(state: PlanState) -> StepFn:
    async def skip(turn: Turn) -> str:
        """Leave this part as it is and ask the next."""
        await turn.close_buttons()
        return await _next(turn, state)

    return skip


async def stop(turn: Turn) -> str:
    """Stop for now (a button or /cancel): what was written is kept."""
    await turn.close_buttons()
    await turn.say(turn.t("plan.stopped"))
    return END


async def choose_part(turn: Turn) -> str:
    """'Change a part': the parts as buttons."""
    await turn.close_buttons()
    await turn.say(
        turn.t("plan.choose_part"), safety_keyboards.plan_parts(PLAN_PARTS, turn.language)
    )
    return KEEP


async def edit_part(turn: Turn) -> str:
    """One part chosen: ask for it again."""
    index = turn.callback.int_value(0, len(PLAN_PARTS) - 1) if turn.callback else None
    if index is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    await turn.close_buttons()
    turn.ref = index
    await _ask(turn, PLAN_PARTS[index], index)
    return PlanState.EDITING


async def edited_text(turn: Turn) -> str:
    """The new words for the part being changed."""
    part = PLAN_PARTS[turn.ref]
    await safety_store.save_plan_part(
        turn.session, user_id=_uid(turn), part=part, text=turn.text, now=turn.now
    )
    await turn.say(turn.t("plan.saved"))
    await _show(turn)
    return END


async def keep_part(turn: Turn) -> str:
    """Skip while changing a part: it stays as it was."""
    await turn.close_buttons()
    if not await _show(turn):
        await turn.say(turn.t("plan.stopped"))
    return END


async def done(turn: Turn) -> str:
    """'Done' under the shown plan."""
    await turn.close_buttons()
    await turn.say(turn.t("plan.done"))
    return KEEP


async def resend(turn: Turn, state: str) -> None:
    """Ask the current part again (after a pause for the person's safety)."""
    part = PLAN_PARTS[turn.ref] if state == PlanState.EDITING else state
    await _ask(turn, part, turn.ref)


def build_flow() -> FlowSpec:
    """The safety plan conversation."""
    steps: dict[str, Step] = {
        state: Step(
            buttons={"skip": _guided_skip(state), "stop": stop},
            on_text=_guided_text(state),
            reminder="plan.reminder",
        )
        for state in GUIDED
    }
    steps[PlanState.EDITING] = Step(
        buttons={"skip": keep_part, "stop": keep_part},
        on_text=edited_text,
        reminder="plan.reminder",
    )
    return FlowSpec(
        name="safety_plan",
        prefix=Flow.SAFETY_PLAN,
        commands={"safetyplan": start_plan},
        buttons={"start": start_plan, "edit": choose_part, "part": edit_part, "done": done},
        steps=steps,
        on_cancel=stop,
        resend=resend,
    )
