"""Running one step of a flow: storing where it goes, pausing and resuming, showing it again."""

from __future__ import annotations

from datetime import timedelta

from bot.flow.spec import ConversationMoved, FlowSpec, Step, StepFn
from bot.flow.turn import END, KEEP, Turn
from bot.storage import crud
from bot.storage import safety as safety_store
from bot.storage.models import Conversation
from bot.ui.keyboards import stamp_state


class StepRunner:
    """The part of the router that runs steps and keeps the stored conversation in step."""

    flows: dict[str, FlowSpec]

    @staticmethod
    def _uid(turn: Turn) -> int:
        assert turn.user.id is not None
        return turn.user.id

    async def _resume(self, turn: Turn) -> None:
        """Go back to the paused flow: hand it the held words, or show its step again."""
        turn.conversation = await crud.get_conversation(turn.session, user_id=self._uid(turn))
        conversation = turn.conversation
        step = self._step(conversation)
        if conversation is None or step is None:
            return
        flow = self.flows[conversation.flow]
        turn.ref = conversation.ref
        if turn.resume_with is not None and step.on_text is not None:
            turn.text = turn.resume_with
            await self._advance(turn, flow, step.on_text)
        else:
            await self._show_step_again(turn, conversation, step, again=False)

    async def _show_step_again(
        self, turn: Turn, conversation: Conversation, step: Step, *, again: bool = True
    ) -> None:
        """The step's question again with its buttons, rather than pointing far up the chat."""
        flow = self.flows[conversation.flow]
        if flow.resend is None:
            await turn.say(turn.t(step.reminder))
            return
        if again:
            await turn.say(turn.t("flow.here_again"))
        turn.ref = conversation.ref
        queued = len(turn.keyboards)
        await flow.resend(turn, conversation.state)
        stamp(turn, flow, conversation.state, queued)

    async def _unpause(self, turn: Turn) -> None:
        conversation = turn.conversation
        assert conversation is not None
        if not await safety_store.set_paused(
            turn.session,
            user_id=self._uid(turn),
            paused_by=None,
            now=turn.now,
            expected_version=conversation.version,
        ):
            raise ConversationMoved
        turn.conversation = await crud.get_conversation(turn.session, user_id=self._uid(turn))

    def _step(self, conversation: Conversation | None) -> Step | None:
        if conversation is None:
            return None
        return self.flows[conversation.flow].steps.get(conversation.state)

    async def _advance(self, turn: Turn, flow: FlowSpec, fn: StepFn) -> None:
        """Run one step and store where the conversation goes next."""
        before = turn.conversation
        queued = len(turn.keyboards)
        next_state = await fn(turn)
        stays = next_state == KEEP and before is not None and before.flow == flow.name
        stamp(turn, flow, before.state if stays and before else next_state, queued)
        if next_state == KEEP:
            return
        uid = self._uid(turn)
        if before is not None and (before.flow != flow.name or before.ref != turn.ref):
            # starting something new: the old flow ends quietly, as if it timed out
            await self.flows[before.flow].on_expire(turn.session, before, turn.now)
        if next_state == END:
            if before is not None and not await crud.delete_conversation(
                turn.session, user_id=uid, expected_version=before.version
            ):
                raise ConversationMoved
            return
        if next_state not in flow.steps:
            raise ValueError(f"flow {flow.name} has no state {next_state!r}")
        timeout = flow.timeout or timedelta(
            minutes=turn.context.services.settings.conversation_timeout_minutes
        )
        if not await crud.save_conversation(
            turn.session,
            user_id=uid,
            flow=flow.name,
            state=next_state,
            ref=turn.ref,
            now=turn.now,
            expires_at=turn.now + timeout,
            expected_version=before.version if before is not None else None,
            held_note=turn.hold_note,
        ):
            raise ConversationMoved


def stamp(turn: Turn, flow: FlowSpec, state: str, since: int) -> None:
    """Write the state into the step buttons queued since ``since``, so they act only there."""
    step = flow.steps.get(state)
    if step is None or flow.prefix is None:
        return
    actions = frozenset(step.buttons) - frozenset(flow.buttons)
    for held in turn.keyboards[since:]:
        held.markup = stamp_state(held.markup, flow.prefix, actions, state)
