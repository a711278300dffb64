"""What every practice shares: its stored session, the optional mood before and after, the ending.

A practice module declares a ``Practice`` (its name, prefix, first step and how to show
each of its states) and its own steps; ``build_practice_flow`` adds the mood steps,
stopping, timing out and saving a phrase, so each module holds only what is its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step, StepFn
from bot.storage import practices as store
from bot.storage.models import Conversation
from bot.storage.practice_models import PracticeSession, PracticeStatus
from bot.ui import keyboards, practice_keyboards
from bot.ui.callbacks import Prefix
from handlers.common import rating_steps

MOOD_BEFORE = "mood_before"
MOOD_AFTER = "mood_after"

ShowFn = Callable[[Exchange, PracticeSession, str], Awaitable[None]]
FirstFn = Callable[[Exchange, PracticeSession], Awaitable[str]]


@dataclass(frozen=True)
class Practice:
    """One practice: its flow name (also stored as the session's kind) and its parts."""

    kind: str
    prefix: Prefix
    command: str
    intro: str  # the key of its first words
    first: FirstFn  # the first step after the optional mood rating
    show: ShowFn  # shows one of the practice's own states again, with its buttons
    asks_mood: bool = True
    phrase_source: str | None = None  # what its saved phrases are labelled


def uid(exchange: Exchange) -> int:
    """The person's id."""
    assert exchange.user.id is not None
    return exchange.user.id


async def current(exchange: Exchange) -> PracticeSession:
    """The practice this update belongs to."""
    row = await store.get_session(exchange.session, session_id=exchange.ref, user_id=uid(exchange))
    if row is None:
        raise LookupError(f"practice {exchange.ref} not found")
    return row


async def reach(exchange: Exchange, row: PracticeSession, state: str) -> str:
    """Note the step the practice got to; returns the state."""
    row.last_step = state
    exchange.session.add(row)
    await exchange.session.flush()
    return state


def starter(practice: Practice) -> StepFn:
    """The command and menu button that begin ``practice`` (or pick up the one under way)."""

    async def start(exchange: Exchange) -> str:
        """Begin the practice, or show where the person is in it."""
        await exchange.close_buttons()
        conversation = exchange.conversation
        if conversation is not None and conversation.flow == practice.kind:
            await exchange.say(exchange.t("practices.already_in"))
            exchange.ref = conversation.ref
            await show_state(practice, exchange, conversation.state)
            return UNCHANGED
        row = await store.start_session(
            exchange.session, user_id=uid(exchange), kind=practice.kind, now=exchange.now
        )
        assert row.id is not None
        exchange.ref = row.id
        await exchange.say(exchange.t(practice.intro, variant=row.variant))
        if practice.asks_mood:
            return await ask_before(practice, exchange)
        return await practice.first(exchange, row)

    return start


async def show_state(practice: Practice, exchange: Exchange, state: str) -> None:
    """Show one state again, with its buttons (after a pause, or a second /command)."""
    if state == MOOD_BEFORE:
        await ask_before(practice, exchange)
    elif state == MOOD_AFTER:
        await ask_after(practice, exchange)
    else:
        await practice.show(exchange, await current(exchange), state)


async def ask_before(practice: Practice, exchange: Exchange) -> str:
    await exchange.say(
        exchange.t("practices.ask_before", scale=exchange.t("mood.scale")),
        keyboards.mood_scale(practice.prefix, "before", exchange.ref, exchange.language, stop=True),
    )
    return MOOD_BEFORE


async def ask_after(practice: Practice, exchange: Exchange) -> str:
    row = await current(exchange)
    await reach(exchange, row, MOOD_AFTER)
    await exchange.say(
        exchange.t("practices.ask_after", scale=exchange.t("mood.scale")),
        keyboards.mood_scale(practice.prefix, "after", exchange.ref, exchange.language),
    )
    return MOOD_AFTER


async def finish(practice: Practice, exchange: Exchange, row: PracticeSession) -> str:
    """The practice's own steps are done: the mood again if it began with one, then close."""
    if row.mood_before is not None:
        return await ask_after(practice, exchange)
    return await close(exchange, row)


def closing_key(before: int | None, after: int | None) -> str:
    """Which closing words fit the change in mood."""
    if before is None or after is None:
        return "practices.closing_plain"
    if after > before:
        return "practices.closing_better"
    if after == before:
        return "practices.closing_same"
    return "practices.closing_lower"


async def close(exchange: Exchange, row: PracticeSession) -> str:
    """Store the practice as done and offer another one (or grounding, if it got harder)."""
    await store.end_session(
        exchange.session, row=row, status=PracticeStatus.COMPLETED, now=exchange.now
    )
    key = closing_key(row.mood_before, row.mood_after)
    text = exchange.t(key, variant=row.variant, before=row.mood_before, after=row.mood_after)
    lower = key == "practices.closing_lower"
    await exchange.say(
        text + "\n\n" + exchange.t("practices.credit"),
        practice_keyboards.ending(exchange.language, grounding=lower),
    )
    return FINISHED


def _mood_steps(practice: Practice) -> dict[str, Step]:
    async def before_value(exchange: Exchange, value: int | None) -> str:
        row = await current(exchange)
        row.mood_before = value
        exchange.session.add(row)
        return await practice.first(exchange, row)

    before_button, before_text = rating_steps(before_value)

    async def skip_before(exchange: Exchange) -> str:
        """No rating: straight to the practice."""
        await exchange.close_buttons()
        return await before_value(exchange, None)

    async def after_value(exchange: Exchange, value: int | None) -> str:
        row = await current(exchange)
        row.mood_after = value
        exchange.session.add(row)
        return await close(exchange, row)

    after_button, after_text = rating_steps(after_value)

    async def skip_after(exchange: Exchange) -> str:
        """No last rating: close."""
        await exchange.close_buttons()
        return await after_value(exchange, None)

    return {
        MOOD_BEFORE: Step(
            buttons={"before": before_button, "skip": skip_before, "stop": stop},
            on_text=before_text,
            reminder="flow.pick_number",
        ),
        MOOD_AFTER: Step(
            buttons={"after": after_button, "skip": skip_after},
            on_text=after_text,
            reminder="flow.pick_number",
        ),
    }


async def stop(exchange: Exchange) -> str:
    """'Stop for now' or /cancel: what was written is kept, the practice ends gently."""
    await exchange.close_buttons()
    row = await current(exchange)
    await store.end_session(
        exchange.session, row=row, status=PracticeStatus.ABANDONED, now=exchange.now
    )
    await exchange.say(exchange.t("practices.stopped", variant=row.variant))
    return FINISHED


async def expire(session: AsyncSession, conversation: Conversation, now: datetime) -> None:
    """A practice left unfinished: stored as abandoned, quietly."""
    row = await store.get_session(
        session, session_id=conversation.ref, user_id=conversation.user_id
    )
    if row is not None:
        await store.end_session(session, row=row, status=PracticeStatus.ABANDONED, now=now)


def phrase_keeper(practice: Practice) -> StepFn:
    """The 'keep these words' button: saves one answer of a practice as a phrase, once."""

    async def keep(exchange: Exchange) -> str:
        """Save the words of this practice's step to the person's phrases."""
        assert exchange.callback is not None and practice.phrase_source is not None
        row = await store.get_session(
            exchange.session, session_id=exchange.callback.ref, user_id=uid(exchange)
        )
        written = await store.answers(exchange.session, session_id=row.id) if row and row.id else {}
        words = written.get(exchange.callback.value)
        if row is None or not words:
            await exchange.refuse_button()
            return UNCHANGED
        await save_phrase(exchange, words, practice.phrase_source, row.id)
        return UNCHANGED

    return keep


async def save_phrase(exchange: Exchange, words: str, source: str, ref: int | None) -> None:
    """Keep words in the phrases (once per source), and say so on the pressed message."""
    saved = await store.add_phrase(
        exchange.session,
        user_id=uid(exchange),
        text=words,
        source=source,
        source_ref=ref,
        now=exchange.now,
    )
    await exchange.toast(exchange.t("phrases.kept" if saved else "phrases.kept_already"))
    await exchange.close_buttons(exchange.t("phrases.kept_mark"))


def no_thanks(practice: Practice) -> StepFn:
    """'No thanks' to an offered practice: a kind word, nothing else."""

    async def decline(exchange: Exchange) -> str:
        """A kind word, and the offer's buttons go."""
        await exchange.close_buttons(exchange.t("buttons.no_thanks"))
        await exchange.say(exchange.t("practices.no_thanks"))
        return UNCHANGED

    return decline


def build_practice_flow(
    practice: Practice, steps: Mapping[str, Step], commands: Mapping[str, StepFn] | None = None
) -> FlowSpec:
    """The flow of one practice: its own steps (and any other commands) plus the shared ones."""
    start = starter(practice)
    buttons: dict[str, StepFn] = {"start": start, "nothanks": no_thanks(practice)}
    if practice.phrase_source is not None:
        buttons["keep"] = phrase_keeper(practice)

    async def resend(exchange: Exchange, state: str) -> None:
        """Show a state of the practice again with its buttons."""
        await show_state(practice, exchange, state)

    return FlowSpec(
        name=practice.kind,
        prefix=practice.prefix,
        commands={practice.command: start, **(commands or {})},
        buttons=buttons,
        steps={**_mood_steps(practice), **steps},
        on_cancel=stop,
        on_expire=expire,
        resend=resend,
    )
