"""/friend: how would I treat a friend? (after Neff and Germer).

How you would answer a close friend in this situation; how you answer yourself; what
would change if you treated yourself like the friend. The words for the friend can be
kept as a phrase.
"""

from __future__ import annotations

from bot.flow import Exchange, FlowSpec
from bot.storage import practices as store
from bot.storage.practice_models import PhraseSource, PracticeSession
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix
from handlers.practices.base import Practice, build_practice_flow, finish
from handlers.practices.writing import Question, Questions

TO_FRIEND, TO_SELF, CHANGE = "to_friend", "to_self", "change"


async def _reflect(exchange: Exchange, row: PracticeSession) -> str:
    """Both ways of speaking, one above the other; the friend's words can be kept."""
    assert row.id is not None
    written = await store.answers(exchange.session, session_id=row.id)
    friend, own = written.get(TO_FRIEND), written.get(TO_SELF)
    if friend and own:
        await exchange.say(
            exchange.t("friend.both", variant=row.variant, friend=friend, own=own),
            practice_keyboards.keep_phrase(Prefix.FRIEND, row.id, TO_FRIEND, exchange.language),
        )
    elif friend:
        await exchange.say(
            exchange.t("friend.friend_only", friend=friend),
            practice_keyboards.keep_phrase(Prefix.FRIEND, row.id, TO_FRIEND, exchange.language),
        )
    else:
        await exchange.say(exchange.t("friend.nothing_written", variant=row.variant))
    return await finish(PRACTICE, exchange, row)


QUESTIONS = Questions(
    Prefix.FRIEND,
    [
        Question(TO_FRIEND, "friend.ask_friend"),
        Question(TO_SELF, "friend.ask_self"),
        Question(CHANGE, "friend.ask_change"),
    ],
    then=_reflect,
)


async def _show(exchange: Exchange, row: PracticeSession, state: str) -> None:
    await QUESTIONS.ask(exchange, row, state)


PRACTICE = Practice(
    kind="friend",
    prefix=Prefix.FRIEND,
    command="friend",
    intro="friend.intro",
    first=QUESTIONS.first,
    show=_show,
    phrase_source=PhraseSource.FRIEND,
)


def build_flow() -> FlowSpec:
    """The friend's-view conversation."""
    return build_practice_flow(PRACTICE, QUESTIONS.steps())
