"""Running one step of a flow: storing where it goes, pausing and resuming, showing it again."""

from __future__ import annotations

from datetime import timedelta

from bot.flow.exchange import FINISHED, UNCHANGED, Exchange
from bot.flow.spec import ConversationMoved, FlowSpec, Step, StepFn
from bot.storage import conversations
from bot.storage import safety as safety_store
from bot.storage.models import Conversation
from bot.ui.keyboards import stamp_state


class StepRunner:
    """The part of the router that runs steps and keeps the stored conversation in step."""

    flows: dict[str, FlowSpec]

    async def _resume(self, exchange: Exchange) -> None:
        """Go back to the paused flow: hand it the held words, or show its step again."""
        exchange.conversation = await conversations.get_conversation(
            exchange.session, user_id=exchange.user_id
        )
        conversation = exchange.conversation
        step = self._step(conversation)
        if conversation is None or step is None:
            return
        flow = self.flows[conversation.flow]
        exchange.ref = conversation.ref
        if exchange.resume_with is not None and step.on_text is not None:
            exchange.text = exchange.resume_with
            await self._advance(exchange, flow, step.on_text)
        else:
            await self._show_step_again(exchange, conversation, step, again=False)

    async def _show_step_again(
        self, exchange: Exchange, conversation: Conversation, step: Step, *, again: bool = True
    ) -> None:
        """The step's question again with its buttons, rather than pointing far up the chat."""
        flow = self.flows[conversation.flow]
        if flow.resend is None:
            await exchange.say(exchange.t(step.reminder))
            return
        if again:
            await exchange.say(exchange.t("flow.here_again"))
        exchange.ref = conversation.ref
        queued = len(exchange.keyboards)
        await flow.resend(exchange, conversation.state)
        stamp(exchange, flow, conversation.state, queued)

    async def _shown_again(self, exchange: Exchange) -> bool:
        """If the step's message never reached the person, show it again now (True)."""
        conversation = exchange.conversation
        step = self._step(conversation)
        if conversation is None or step is None or not conversation.undelivered:
            return False
        await exchange.close_buttons()  # a tapped message from before: its buttons go
        await conversations.mark_undelivered(
            exchange.session, user_id=exchange.user_id, undelivered=False
        )
        await self._show_step_again(exchange, conversation, step)
        return True

    async def _unpause(self, exchange: Exchange) -> None:
        conversation = exchange.conversation
        assert conversation is not None
        if not await safety_store.set_paused(
            exchange.session,
            user_id=exchange.user_id,
            paused_by=None,
            now=exchange.now,
            expected_version=conversation.version,
        ):
            raise ConversationMoved
        exchange.conversation = await conversations.get_conversation(
            exchange.session, user_id=exchange.user_id
        )

    def _step(self, conversation: Conversation | None) -> Step | None:
        if conversation is None:
            return None
        return self.flows[conversation.flow].steps.get(conversation.state)

    async def _advance(self, exchange: Exchange, flow: FlowSpec, fn: StepFn) -> None:
        """Run one step and store where the conversation goes next."""
        before = exchange.conversation
        queued = len(exchange.keyboards)
        next_state = await fn(exchange)
        stays = next_state == UNCHANGED and before is not None and before.flow == flow.name
        stamp(exchange, flow, before.state if stays and before else next_state, queued)
        if next_state == UNCHANGED:
            return
        uid = exchange.user_id
        if before is not None and (before.flow != flow.name or before.ref != exchange.ref):
            # starting something new: the old flow ends quietly, as if it timed out
            await self.flows[before.flow].on_expire(exchange.session, before, exchange.now)
        if next_state == FINISHED:
            if before is not None and not await conversations.delete_conversation(
                exchange.session,
                user_id=uid,
                expected_version=before.version,
                along=exchange.take_writes(),
            ):
                raise ConversationMoved
            return
        if next_state not in flow.steps:
            raise ValueError(f"flow {flow.name} has no state {next_state!r}")
        timeout = flow.timeout or timedelta(
            minutes=exchange.context.services.settings.conversation_timeout_minutes
        )
        if not await conversations.save_conversation(
            exchange.session,
            user_id=uid,
            flow=flow.name,
            state=next_state,
            ref=exchange.ref,
            now=exchange.now,
            expires_at=exchange.now + timeout,
            expected_version=before.version if before is not None else None,
            held_note=exchange.hold_note,
            along=exchange.take_writes(),
        ):
            raise ConversationMoved


def stamp(exchange: Exchange, flow: FlowSpec, state: str, since: int) -> None:
    """Write the state into the step buttons queued since ``since``, so they act only there."""
    step = flow.steps.get(state)
    if step is None or flow.prefix is None:
        return
    actions = frozenset(step.buttons) - frozenset(flow.buttons)
    for held in exchange.keyboards[since:]:
        held.markup = stamp_state(held.markup, flow.prefix, actions, state)
