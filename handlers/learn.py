"""/learn: what self-compassion is and isn't, one short note per message; /resources.

The notes are paced by "Next" and each names its source (Neff's and Germer's published
work, studies they cite, self-compassion.org). The conversation's ref is the note shown,
so a double tap on "Next" moves on once.
"""

from __future__ import annotations

from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step
from bot.ui import learn_keyboards
from bot.ui.callbacks import Prefix

LEARN_FLOW_NAME = "learn"
READING = "reading"
# the notes, in order (ref 1 is the first)
NOTES = ("not_pity", "not_indulgence", "not_weakness", "not_excuses", "motivation", "research")


async def _show_note(exchange: Exchange, number: int) -> str:
    last = number == len(NOTES)
    text = exchange.t(f"learn.{NOTES[number - 1]}")
    counter = exchange.t("learn.counter", number=number, total=len(NOTES))
    if last:
        text += "\n\n" + exchange.t("learn.end")
    exchange.ref = number
    await exchange.say(
        f"{text}\n\n{counter}", learn_keyboards.next_or_done(number, exchange.language, last=last)
    )
    return READING


async def start_learning(exchange: Exchange) -> str:
    """/learn: the first note (again from the start if they were reading already)."""
    await exchange.close_buttons()
    return await _show_note(exchange, 1)


async def next_note(exchange: Exchange) -> str:
    """'Next': the following note."""
    await exchange.close_buttons()
    if exchange.ref >= len(NOTES):
        return await done(exchange)
    return await _show_note(exchange, exchange.ref + 1)


async def done(exchange: Exchange) -> str:
    """'Done' (or /cancel): a warm word, and the notes end."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("learn.done"))
    return FINISHED


async def resend(exchange: Exchange, state: str) -> None:
    """Show the note they were reading again, with its buttons."""
    await _show_note(exchange, max(1, min(exchange.ref, len(NOTES))))


async def show_resources(exchange: Exchange) -> str:
    """/resources: books, courses and free guided practices, each with a link."""
    lines = [exchange.t(f"resources.{name}") for name, _url in learn_keyboards.RESOURCES]
    text = "\n\n".join([exchange.t("resources.intro"), *lines])
    await exchange.say(text, learn_keyboards.resource_links(exchange.language))
    return UNCHANGED


def build_flow() -> FlowSpec:
    """The notes of /learn, and /resources (no steps)."""
    return FlowSpec(
        name=LEARN_FLOW_NAME,
        prefix=Prefix.LEARN,
        commands={"learn": start_learning, "resources": show_resources},
        steps={READING: Step(buttons={"next": next_note, "done": done}, reminder="flow.tap_next")},
        on_cancel=done,
        resend=resend,
    )
