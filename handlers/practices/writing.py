"""Practices made of written answers, one question at a time (the inner critic, a friend's view)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.flow import Exchange, Step, StepFn
from bot.storage import practices as store
from bot.storage.practice_models import PracticeSession
from bot.ui import practice_keyboards
from bot.ui.callbacks import Prefix
from handlers.practices.base import FirstFn, current, reach, stop


@dataclass(frozen=True)
class Question:
    """One written step: its state and the key of its question."""

    state: str
    key: str


class Questions:
    """An ordered series of written steps; after the last one, ``then`` runs."""

    def __init__(self, prefix: Prefix, questions: Sequence[Question], then: FirstFn) -> None:
        self.prefix = prefix
        self.questions = list(questions)
        self.then = then

    def __contains__(self, state: str) -> bool:
        return any(q.state == state for q in self.questions)

    async def ask(self, exchange: Exchange, row: PracticeSession, state: str) -> str:
        """Ask the question of ``state`` with Skip and Stop."""
        question = next(q for q in self.questions if q.state == state)
        await reach(exchange, row, state)
        await exchange.say(
            exchange.t(question.key, variant=row.variant),
            practice_keyboards.skip_or_stop(self.prefix, exchange.ref, exchange.language),
        )
        return state

    async def first(self, exchange: Exchange, row: PracticeSession) -> str:
        """The first question."""
        return await self.ask(exchange, row, self.questions[0].state)

    async def _next(self, exchange: Exchange, state: str) -> str:
        row = await current(exchange)
        index = [q.state for q in self.questions].index(state) + 1
        if index < len(self.questions):
            return await self.ask(exchange, row, self.questions[index].state)
        return await self.then(exchange, row)

    def steps(self) -> dict[str, Step]:
        """One step per question: a text is kept, Skip moves on."""
        return {
            q.state: Step(
                buttons={"skip": self._skipper(q.state), "stop": stop},
                on_text=self._writer(q.state),
                reminder="practices.write_or_skip",
            )
            for q in self.questions
        }

    def _writer(self, state: str) -> StepFn:
        async def written(exchange: Exchange) -> str:
            """Keep the words written for this question, then the next."""
            assert exchange.text is not None
            answer = await store.save_answer(
                exchange.session,
                session_id=exchange.ref,
                step=state,
                text=exchange.text,
                now=exchange.now,
            )
            await exchange.wrote("practice_answers:text", answer.id)
            return await self._next(exchange, state)

        return written

    def _skipper(self, state: str) -> StepFn:
        async def skipped(exchange: Exchange) -> str:
            """Nothing written here: the next question."""
            await exchange.close_buttons()
            return await self._next(exchange, state)

        return skipped


@dataclass(frozen=True)
class SideBySide:
    """Two written answers shown together at the end; the ``kept`` one can be kept as a
    phrase. ``names`` are the placeholders of (kept, other) in the ``both`` text."""

    prefix: Prefix
    kept: str
    other: str
    names: tuple[str, str]
    both: str
    kept_only: str
    neither: str

    async def show(self, exchange: Exchange, row: PracticeSession) -> None:
        """Both answers, or the kept one alone, or a kind word when neither was written."""
        assert row.id is not None
        written = await store.answers(exchange.session, session_id=row.id)
        kept, other = written.get(self.kept), written.get(self.other)
        if not kept:
            await exchange.say(exchange.t(self.neither, variant=row.variant))
            return
        keep = practice_keyboards.keep_phrase(self.prefix, row.id, self.kept, exchange.language)
        if other:
            fields: dict[str, object] = {self.names[0]: kept, self.names[1]: other}
            await exchange.say(exchange.t(self.both, variant=row.variant, **fields), keep)
        else:
            only: dict[str, object] = {self.names[0]: kept}
            await exchange.say(exchange.t(self.kept_only, variant=0, **only), keep)
