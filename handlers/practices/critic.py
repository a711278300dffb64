"""/critic: the inner critic, heard and answered kindly (after Neff and Germer).

Write what the critical voice says; notice its tone and name it, without fighting it;
consider what it may be trying to protect you from; reply as a wise, kind friend would.
Both texts are then shown one above the other, and the kind reply can be kept as a phrase.
"""

from __future__ import annotations

from bot.flow import Exchange, FlowSpec
from bot.storage.practice_models import PhraseSource, PracticeSession
from bot.ui.callbacks import Prefix
from handlers.practices.base import Practice, build_practice_flow, finish
from handlers.practices.writing import Question, Questions, SideBySide

SAYS, TONE, PROTECT, REPLY = "says", "tone", "protect", "reply"


BOTH_VOICES = SideBySide(
    Prefix.CRITIC,
    kept=REPLY,
    other=SAYS,
    names=("reply", "says"),
    both="critic.both_voices",
    kept_only="critic.kind_voice",
    neither="critic.no_reply",
)


async def _side_by_side(exchange: Exchange, row: PracticeSession) -> str:
    """Both voices, one above the other; the kind one can be kept."""
    await BOTH_VOICES.show(exchange, row)
    return await finish(PRACTICE, exchange, row)


QUESTIONS = Questions(
    Prefix.CRITIC,
    [
        Question(SAYS, "critic.ask_says"),
        Question(TONE, "critic.ask_tone"),
        Question(PROTECT, "critic.ask_protect"),
        Question(REPLY, "critic.ask_reply"),
    ],
    then=_side_by_side,
)


async def _show(exchange: Exchange, row: PracticeSession, state: str) -> None:
    await QUESTIONS.ask(exchange, row, state)


PRACTICE = Practice(
    kind="critic",
    prefix=Prefix.CRITIC,
    command="critic",
    intro="critic.intro",
    first=QUESTIONS.first,
    show=_show,
    phrase_source=PhraseSource.CRITIC,
)


def build_flow() -> FlowSpec:
    """The inner-critic conversation."""
    return build_practice_flow(PRACTICE, QUESTIONS.steps())
