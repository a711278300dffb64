"""/kindness: loving-kindness for yourself, then (if wished) for others (after Neff and Germer).

Classic wishes one at a time; the person keeps the ones that feel true, may add one of
their own, and may keep them as a phrase. A second round, skippable, offers the wishes
to someone cared about, someone neutral, someone difficult and all beings.
"""

from __future__ import annotations

from bot.flow import Exchange, FlowSpec, Step, StepFn
from bot.storage import practices as store
from bot.storage.practice_models import PhraseSource, PracticeSession
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix
from handlers.practices.base import Practice, build_practice_flow, current, finish, reach, stop

WISHES = {  # state -> text of the wish
    "wish_safe": "kindness.wish_safe",
    "wish_peace": "kindness.wish_peace",
    "wish_kind": "kindness.wish_kind",
    "wish_accept": "kindness.wish_accept",
}
OWN, OFFER_OTHERS = "own", "others"
OTHERS = {  # the second round, in order
    "cared": "kindness.other_cared",
    "neutral": "kindness.other_neutral",
    "difficult": "kindness.other_difficult",
    "everyone": "kindness.other_everyone",
}
CHOSEN = "wishes"  # the answer that holds the wishes chosen, as one phrase


async def _show(exchange: Exchange, row: PracticeSession, state: str) -> None:
    await _ask(exchange, row, state)


async def _ask(exchange: Exchange, row: PracticeSession, state: str) -> str:
    await reach(exchange, row, state)
    lang, ref, prefix = exchange.language, exchange.ref, Prefix.KINDNESS
    if state in WISHES:
        variant = row.variant + list(WISHES).index(state)
        wish = exchange.t(WISHES[state])
        await exchange.say(
            exchange.t("kindness.wish_prompt", variant=variant, wish=wish),
            practice_keyboards.yes_no(prefix, ref, "kindness.true", "kindness.not_this", lang),
        )
    elif state == OWN:
        await exchange.say(
            exchange.t("kindness.ask_own"), practice_keyboards.skip_or_stop(prefix, ref, lang)
        )
    elif state == OFFER_OTHERS:
        await exchange.say(
            exchange.t("kindness.offer_others"),
            practice_keyboards.yes_no(
                prefix, ref, "kindness.yes_others", "kindness.no_others", lang
            ),
        )
    else:
        await exchange.say(
            exchange.t(OTHERS[state]),
            practice_keyboards.next_or_skip(prefix, ref, "kindness.skip_rest", lang),
        )
    return state


async def _first(exchange: Exchange, row: PracticeSession) -> str:
    return await _ask(exchange, row, next(iter(WISHES)))


def _after(state: str, order: list[str]) -> str | None:
    index = order.index(state) + 1
    return order[index] if index < len(order) else None


def _wish_answer(state: str, true: bool) -> StepFn:
    async def answer(exchange: Exchange) -> str:
        """This wish feels true (kept) or not (left out); then the next one."""
        await exchange.close_buttons(exchange.t("kindness.true" if true else "kindness.not_this"))
        row = await current(exchange)
        if true:
            await store.save_answer(
                exchange.session,
                session_id=exchange.ref,
                step=state,
                text=exchange.t(WISHES[state]),
                now=exchange.now,
            )
        return await _ask(exchange, row, _after(state, list(WISHES)) or OWN)

    return answer


async def _own_done(exchange: Exchange, words: str | None) -> str:
    row = await current(exchange)
    assert row.id is not None
    if words:
        await store.save_answer(
            exchange.session, session_id=row.id, step=OWN, text=words, now=exchange.now
        )
    written = await store.answers(exchange.session, session_id=row.id)
    chosen = [written[s] for s in [*WISHES, OWN] if s in written]
    if chosen:
        joined = " ".join(chosen)
        await store.save_answer(
            exchange.session, session_id=row.id, step=CHOSEN, text=joined, now=exchange.now
        )
        await exchange.say(
            exchange.t("kindness.your_wishes", wishes="\n".join(chosen)),
            practice_keyboards.keep_phrase(Prefix.KINDNESS, row.id, CHOSEN, exchange.language),
        )
    else:
        await exchange.say(exchange.t("kindness.none_fit"))
    return await _ask(exchange, row, OFFER_OTHERS)


async def own_text(exchange: Exchange) -> str:
    """A wish in their own words."""
    return await _own_done(exchange, exchange.text)


async def skip_own(exchange: Exchange) -> str:
    """No wish of their own."""
    await exchange.close_buttons()
    return await _own_done(exchange, None)


async def others_yes(exchange: Exchange) -> str:
    """The second round: wishes for others."""
    await exchange.close_buttons(exchange.t("kindness.yes_others"))
    return await _ask(exchange, await current(exchange), next(iter(OTHERS)))


async def others_no(exchange: Exchange) -> str:
    """No second round: the end."""
    await exchange.close_buttons(exchange.t("kindness.no_others"))
    return await finish(PRACTICE, exchange, await current(exchange))


def _other_next(state: str) -> StepFn:
    async def next_other(exchange: Exchange) -> str:
        """The next person to wish well; after all beings, the end."""
        await exchange.close_buttons()
        row = await current(exchange)
        following = _after(state, list(OTHERS))
        return await (
            _ask(exchange, row, following) if following else finish(PRACTICE, exchange, row)
        )

    return next_other


async def skip_rest(exchange: Exchange) -> str:
    """Skip the rest of the second round."""
    await exchange.close_buttons()
    return await finish(PRACTICE, exchange, await current(exchange))


PRACTICE = Practice(
    kind="kindness",
    prefix=Prefix.KINDNESS,
    command="kindness",
    intro="kindness.intro",
    first=_first,
    show=_show,
    phrase_source=PhraseSource.KINDNESS,
)


def build_flow() -> FlowSpec:
    """The loving-kindness conversation."""
    steps: dict[str, Step] = {
        state: Step(
            buttons={
                "yes": _wish_answer(state, True),
                "no": _wish_answer(state, False),
                "stop": stop,
            }
        )
        for state in WISHES
    }
    steps[OWN] = Step(
        buttons={"skip": skip_own, "stop": stop},
        on_text=own_text,
        reminder="practices.write_or_skip",
    )
    steps[OFFER_OTHERS] = Step(buttons={"yes": others_yes, "no": others_no, "stop": stop})
    for state in OTHERS:
        steps[state] = Step(
            buttons={"next": _other_next(state), "skip": skip_rest, "stop": stop},
            reminder="flow.tap_next",
        )
    return build_practice_flow(PRACTICE, steps)
