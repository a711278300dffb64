"""/soothe: a soothing touch and a kind breath, paced one message at a time (after Neff and Germer).

The person chooses what to rest their attention on: the breath, a soothing touch, or
(for anyone who finds those uncomfortable) sounds and the feet on the floor. Three short
paced messages follow, then ideas for soothing themselves afterwards.
"""

from __future__ import annotations

from bot.flow import UNCHANGED, Exchange, FlowSpec, Step, StepFn
from bot.storage.practice_models import PracticeSession
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix
from handlers.practices.base import Practice, build_practice_flow, current, finish, reach, stop

ANCHOR = "anchor"
PACED = ("settle", "rest", "widen")  # the three paced states, in order
# what attention rests on, stored as the session's choice, and the three texts of each
PACES = {
    "breath": ("soothe.breath_settle", "soothe.breath_rest", "soothe.breath_widen"),
    "touch": ("soothe.touch_settle", "soothe.touch_rest", "soothe.touch_widen"),
    "ground": ("soothe.ground_settle", "soothe.ground_rest", "soothe.ground_widen"),
}
LABELS = {
    "breath": "soothe.pick_breath",
    "touch": "soothe.pick_touch",
    "ground": "soothe.pick_ground",
}


async def _ask_anchor(exchange: Exchange, row: PracticeSession) -> str:
    await reach(exchange, row, ANCHOR)
    options = [(value, exchange.t(key)) for value, key in LABELS.items()]
    await exchange.say(
        exchange.t("soothe.ask_anchor"),
        practice_keyboards.choices(Prefix.SOOTHE, exchange.ref, options, exchange.language),
    )
    return ANCHOR


async def _pace(exchange: Exchange, row: PracticeSession, state: str) -> str:
    await reach(exchange, row, state)
    key = PACES[row.choice or "ground"][PACED.index(state)]
    await exchange.say(
        exchange.t(key),
        practice_keyboards.next_or_stop(Prefix.SOOTHE, exchange.ref, exchange.language),
    )
    return state


async def _show(exchange: Exchange, row: PracticeSession, state: str) -> None:
    if state == ANCHOR:
        await _ask_anchor(exchange, row)
    else:
        await _pace(exchange, row, state)


async def picked(exchange: Exchange) -> str:
    """What attention rests on: keep it, then the first paced message."""
    value = exchange.callback.value if exchange.callback else ""
    if value not in PACES:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons(exchange.t(LABELS[value]))
    row = await current(exchange)
    row.choice = value
    return await _pace(exchange, row, PACED[0])


def _next(state: str) -> StepFn:
    async def next_step(exchange: Exchange) -> str:
        """The next paced message; after the last, ideas for afterwards."""
        await exchange.close_buttons()
        row = await current(exchange)
        index = PACED.index(state) + 1
        if index < len(PACED):
            return await _pace(exchange, row, PACED[index])
        await exchange.say(exchange.t("soothe.ideas", variant=row.variant))
        return await finish(PRACTICE, exchange, row)

    return next_step


PRACTICE = Practice(
    kind="soothe",
    prefix=Prefix.SOOTHE,
    command="soothe",
    intro="soothe.intro",
    first=_ask_anchor,
    show=_show,
)


def build_flow() -> FlowSpec:
    """The soothing practice."""
    steps = {ANCHOR: Step(buttons={"pick": picked, "stop": stop})}
    for state in PACED:
        steps[state] = Step(buttons={"next": _next(state), "stop": stop}, reminder="flow.tap_next")
    return build_practice_flow(PRACTICE, steps)
