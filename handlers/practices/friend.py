"""/friend: how would I treat a friend? (after Neff and Germer).

How you would answer a close friend in this situation; how you answer yourself; what
would change if you treated yourself like the friend. The words for the friend can be
kept as a phrase.
"""

from __future__ import annotations

from bot.flow import Exchange, FlowSpec
from bot.storage.practice_models import PhraseSource, PracticeSession
from bot.ui.callbacks import Prefix
from handlers.practices.base import Practice, build_practice_flow, finish
from handlers.practices.writing import Question, Questions, SideBySide

TO_FRIEND, TO_SELF, CHANGE = "to_friend", "to_self", "change"


BOTH_WAYS = SideBySide(
    Prefix.FRIEND,
    kept=TO_FRIEND,
    other=TO_SELF,
    names=("friend", "own"),
    both="friend.both",
    kept_only="friend.friend_only",
    neither="friend.nothing_written",
)


async def _reflect(exchange: Exchange, row: PracticeSession) -> str:
    """Both ways of speaking, one above the other; the friend's words can be kept."""
    await BOTH_WAYS.show(exchange, row)
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
