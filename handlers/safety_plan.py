"""/safetyplan: a short guided safety plan after Stanley and Brown, each part skippable.

Seven parts, asked one at a time: warning signs, things I can do on my own, people and
places that help me feel better, people I can ask for help, professionals and services,
making my surroundings safer, my reasons for living. Each answer is saved at once, so
stopping half-way keeps what was written. Later, any part can be changed on its own;
/sos and the crisis answers show the plan.
"""

from __future__ import annotations

from enum import StrEnum

from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step, StepFn
from bot.storage import safety as safety_store
from bot.storage.safety import PLAN_PARTS
from bot.ui import safety_keyboards
from bot.ui.callbacks import Prefix
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


async def _ask(exchange: Exchange, part: str, ref: int) -> None:
    number = PLAN_PARTS.index(part) + 1
    await exchange.say(
        exchange.t(f"plan.ask.{part}", number=number, total=len(PLAN_PARTS)),
        safety_keyboards.plan_step(ref, exchange.language),
    )


async def _show(exchange: Exchange) -> bool:
    """Show the plan with its buttons; False when it has nothing in it yet."""
    plan = await safety_store.get_plan(exchange.session, user_id=exchange.user_id)
    shown = format_plan(safety_store.filled_parts(plan), exchange.language)
    if shown is None:
        return False
    await exchange.say(shown, safety_keyboards.plan_actions(exchange.language))
    return True


async def start_plan(exchange: Exchange) -> str:
    """/safetyplan or its button: show the plan, or begin making one."""
    await exchange.close_buttons()
    if await _show(exchange):
        return UNCHANGED
    exchange.ref = 0
    await exchange.say(exchange.t("plan.intro"))
    await _ask(exchange, PLAN_PARTS[0], 0)
    return GUIDED[0]


async def _next(exchange: Exchange, state: PlanState) -> str:
    index = GUIDED.index(state) + 1
    if index < len(GUIDED):
        await _ask(exchange, GUIDED[index].value, 0)
        return GUIDED[index]
    await exchange.say(exchange.t("plan.finished"))
    await _show(exchange)
    return FINISHED


def _guided_text(state: PlanState) -> StepFn:
    async def answer(exchange: Exchange) -> str:
        """Keep the words for this part, then ask the next."""
        await safety_store.save_plan_part(
            exchange.session,
            user_id=exchange.user_id,
            part=state.value,
            text=exchange.text,
            now=exchange.now,
        )
        await exchange.wrote(f"safety_plans:{state.value}", exchange.user_id)
        return await _next(exchange, state)

    return answer


def _guided_skip(state: PlanState) -> StepFn:
    async def skip(exchange: Exchange) -> str:
        """Leave this part as it is and ask the next."""
        await exchange.close_buttons()
        return await _next(exchange, state)

    return skip


async def stop(exchange: Exchange) -> str:
    """Stop for now (a button or /cancel): what was written is kept."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("plan.stopped"))
    return FINISHED


async def choose_part(exchange: Exchange) -> str:
    """'Change a part': the parts as buttons."""
    await exchange.close_buttons()
    await exchange.say(
        exchange.t("plan.choose_part"), safety_keyboards.plan_parts(PLAN_PARTS, exchange.language)
    )
    return UNCHANGED


async def edit_part(exchange: Exchange) -> str:
    """One part chosen: ask for it again."""
    index = exchange.callback.int_value(0, len(PLAN_PARTS) - 1) if exchange.callback else None
    if index is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons()
    exchange.ref = index
    await _ask(exchange, PLAN_PARTS[index], index)
    return PlanState.EDITING


async def edited_text(exchange: Exchange) -> str:
    """The new words for the part being changed."""
    part = PLAN_PARTS[exchange.ref]
    await safety_store.save_plan_part(
        exchange.session, user_id=exchange.user_id, part=part, text=exchange.text, now=exchange.now
    )
    await exchange.wrote(f"safety_plans:{part}", exchange.user_id)
    await exchange.say(exchange.t("plan.saved"))
    await _show(exchange)
    return FINISHED


async def keep_part(exchange: Exchange) -> str:
    """Skip while changing a part: it stays as it was."""
    await exchange.close_buttons()
    if not await _show(exchange):
        await exchange.say(exchange.t("plan.stopped"))
    return FINISHED


async def done(exchange: Exchange) -> str:
    """'Done' under the shown plan."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("plan.done"))
    return UNCHANGED


async def resend(exchange: Exchange, state: str) -> None:
    """Ask the current part again (after a pause for the person's safety)."""
    part = PLAN_PARTS[exchange.ref] if state == PlanState.EDITING else state
    await _ask(exchange, part, exchange.ref)


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
        prefix=Prefix.SAFETY_PLAN,
        commands={"safetyplan": start_plan},
        buttons={"start": start_plan, "edit": choose_part, "part": edit_part, "done": done},
        steps=steps,
        on_cancel=stop,
        resend=resend,
    )
