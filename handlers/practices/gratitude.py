"""/gratitude: note one to three things you're grateful for; /journal: the recent notes.

Each note is stored as it is written. How often is shown gently ("you've noted something
on 4 days this month"), never as a streak that breaks.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.journal import days_noted_this_month, local_day
from bot.flow import UNCHANGED, Exchange, FlowSpec, Step, StepFn
from bot.storage import practices as store
from bot.storage.practice_models import PracticeSession
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix
from bot.ui.summary_text import date_label
from handlers.practices.base import Practice, build_practice_flow, close, current, reach, stop, uid

THINGS = ("first", "second", "third")  # state names: letters only
SHOWN = 10  # entries /journal shows


async def _ask(exchange: Exchange, row: PracticeSession, state: str) -> str:
    await reach(exchange, row, state)
    if state == THINGS[0]:
        await exchange.say(
            exchange.t("gratitude.ask_first", variant=row.variant),
            practice_keyboards.skip_or_stop(Prefix.GRATITUDE, exchange.ref, exchange.language),
        )
    else:
        await exchange.say(
            exchange.t("gratitude.ask_more", variant=row.variant + THINGS.index(state)),
            practice_keyboards.skip_or_stop(
                Prefix.GRATITUDE, exchange.ref, exchange.language, skip="gratitude.thats_all"
            ),
        )
    return state


async def _first(exchange: Exchange, row: PracticeSession) -> str:
    return await _ask(exchange, row, THINGS[0])


async def _days(exchange: Exchange) -> int:
    recent = await store.list_gratitude(
        exchange.session, user_id=uid(exchange), since=exchange.now - timedelta(days=32)
    )
    return days_noted_this_month(
        [e.created_at for e in recent], now=exchange.now, zone=exchange.user.time_zone
    )


def _days_line(exchange: Exchange, days: int) -> str:
    return exchange.t("gratitude.days_one" if days == 1 else "gratitude.days_many", days=days)


async def _wrap_up(exchange: Exchange, row: PracticeSession, noted: int) -> str:
    if noted == 0:
        await exchange.say(exchange.t("gratitude.nothing_noted"))
    else:
        await exchange.say(
            exchange.t("gratitude.noted", variant=row.variant)
            + " "
            + _days_line(exchange, await _days(exchange))
        )
    return await close(exchange, row)


def _written(index: int) -> StepFn:
    async def written(exchange: Exchange) -> str:
        """Keep this thing, then ask for another (up to three)."""
        assert exchange.text is not None
        row = await current(exchange)
        entry = await store.add_gratitude(
            exchange.session,
            user_id=uid(exchange),
            text=exchange.text,
            now=exchange.now,
            session_id=row.id,
        )
        await exchange.wrote("gratitude_entries:text", entry.id)
        if index + 1 < len(THINGS):
            return await _ask(exchange, row, THINGS[index + 1])
        return await _wrap_up(exchange, row, index + 1)

    return written


def _skipped(index: int) -> StepFn:
    async def skipped(exchange: Exchange) -> str:
        """Nothing (more) to note: the end."""
        await exchange.close_buttons()
        return await _wrap_up(exchange, await current(exchange), index)

    return skipped


async def _show(exchange: Exchange, row: PracticeSession, state: str) -> None:
    await _ask(exchange, row, state)


async def journal(exchange: Exchange) -> str:
    """/journal: the recent notes by day, and on how many days this month."""
    entries = await store.list_gratitude(exchange.session, user_id=uid(exchange), limit=SHOWN)
    if not entries:
        await exchange.say(exchange.t("gratitude.journal_empty"))
        return UNCHANGED
    zone = exchange.user.time_zone
    lines = [
        f"{date_label(local_day(e.created_at, zone), exchange.language)} · {e.text}"
        for e in reversed(entries)
    ]
    await exchange.say(
        exchange.t("gratitude.journal", entries="\n".join(lines))
        + "\n\n"
        + _days_line(exchange, await _days(exchange))
    )
    return UNCHANGED


PRACTICE = Practice(
    kind="gratitude",
    prefix=Prefix.GRATITUDE,
    command="gratitude",
    intro="gratitude.intro",
    first=_first,
    show=_show,
    asks_mood=False,
)


def build_flow() -> FlowSpec:
    """The gratitude journal."""
    steps = {
        state: Step(
            buttons={"skip": _skipped(index), "stop": stop},
            on_text=_written(index),
            reminder="practices.write_or_skip",
        )
        for index, state in enumerate(THINGS)
    }
    return build_practice_flow(PRACTICE, steps, commands={"journal": journal})
