"""/phrases: the person's own kind phrases: see them, add one, remove one.

Phrases also arrive from a break ("what do I need to hear?") and from the practices
(the kind reply to the inner critic, the words for a friend, the chosen wishes), each
offered once at the moment it is written; later breaks offer one back.
"""

from __future__ import annotations

from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step
from bot.storage import practices as store
from bot.storage.practice_models import PhraseSource
from bot.ui import phrase_keyboards
from bot.ui.callbacks import Prefix
from handlers.practices.base import uid

ADDING = "adding"


async def _list(exchange: Exchange) -> None:
    phrases = await store.list_phrases(exchange.session, user_id=uid(exchange))
    if not phrases:
        await exchange.say(
            exchange.t("phrases.empty"), phrase_keyboards.actions(False, exchange.language)
        )
        return
    lines = "\n".join(f"• {p.text}" for p in phrases)
    await exchange.say(
        exchange.t("phrases.list", phrases=lines),
        phrase_keyboards.actions(True, exchange.language),
    )


async def show(exchange: Exchange) -> str:
    """/phrases or its button: the phrases, with Add, Remove and Done."""
    await exchange.close_buttons()
    await _list(exchange)
    return UNCHANGED


async def ask_add(exchange: Exchange) -> str:
    """'Add a phrase': ask for the words."""
    await exchange.close_buttons()
    exchange.ref = 0
    await exchange.say(
        exchange.t("phrases.ask_add"), phrase_keyboards.cancel_adding(exchange.language)
    )
    return ADDING


async def added(exchange: Exchange) -> str:
    """The new phrase: keep it, then the list."""
    assert exchange.text is not None
    saved = await store.add_phrase(
        exchange.session,
        user_id=uid(exchange),
        text=exchange.text,
        source=PhraseSource.OWN,
        now=exchange.now,
    )
    if saved is not None:
        await exchange.wrote("phrases:text", saved.id)
    await exchange.say(exchange.t("phrases.added" if saved else "phrases.full"))
    await _list(exchange)
    return FINISHED


async def skip_add(exchange: Exchange) -> str:
    """No new phrase after all."""
    await exchange.close_buttons()
    await _list(exchange)
    return FINISHED


async def choose_remove(exchange: Exchange) -> str:
    """'Remove one': a button per phrase."""
    await exchange.close_buttons()
    phrases = await store.list_phrases(exchange.session, user_id=uid(exchange))
    await exchange.say(
        exchange.t("phrases.choose_remove"),
        phrase_keyboards.removable([(p.id or 0, p.text) for p in phrases], exchange.language),
    )
    return UNCHANGED


async def drop(exchange: Exchange) -> str:
    """One phrase chosen: take it out (a second tap finds it gone and changes nothing)."""
    assert exchange.callback is not None
    removed = await store.remove_phrase(
        exchange.session, user_id=uid(exchange), phrase_id=exchange.callback.ref
    )
    await exchange.close_buttons(exchange.t("phrases.removed" if removed else "phrases.gone"))
    await _list(exchange)
    return UNCHANGED


async def done(exchange: Exchange) -> str:
    """'Done' under the list."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("phrases.done"))
    return UNCHANGED


async def resend(exchange: Exchange, _state: str) -> None:
    """Ask for the new phrase again (after a pause for the person's safety)."""
    await exchange.say(
        exchange.t("phrases.ask_add"), phrase_keyboards.cancel_adding(exchange.language)
    )


def build_flow() -> FlowSpec:
    """The phrase bank."""
    return FlowSpec(
        name="phrases",
        prefix=Prefix.PHRASES,
        commands={"phrases": show},
        buttons={
            "start": show,
            "add": ask_add,
            "remove": choose_remove,
            "drop": drop,
            "done": done,
        },
        steps={
            ADDING: Step(buttons={"skip": skip_add}, on_text=added, reminder="phrases.reminder")
        },
        on_cancel=skip_add,
        resend=resend,
    )
