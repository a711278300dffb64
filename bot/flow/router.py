"""Guided conversations whose state lives in the database.

Each flow module in ``handlers/`` declares a ``FlowSpec``: its states (one enum),
the commands and buttons that start it, and a ``Step`` per state. One
``FlowRouter`` reads the person's conversation row on every update, so a
restart, or a second instance on the same database, continues where they were.
(python-telegram-bot's ``ConversationHandler`` keeps state in memory and reads
persisted state only at start-up, so it cannot do this.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from telegram import CallbackQuery, Message, Update
from telegram.ext import BaseHandler

from bot.context import BotContext
from bot.core.crisis_screen import screen_text
from bot.core.flood import FloodGate
from bot.delivery.planning import plan_user
from bot.flow.consent import ConsentGate
from bot.flow.exchange import Exchange
from bot.flow.flood import FloodGuard
from bot.flow.patience import AnsweredWithoutDatabase, not_saved, one_moment_or_help, patiently
from bot.flow.spec import ConversationMoved, DangerFn, FlowSpec, StepFn, UnstoredDangerFn
from bot.flow.steps import StepRunner
from bot.flow.undelivered import deliver
from bot.storage import conversations, crud, sources
from bot.storage.models import Conversation
from bot.storage.sqlite_link import statements_on_loop
from bot.ui import callbacks


class FlowRouter(StepRunner, ConsentGate, FloodGuard, BaseHandler[Update, BotContext, None]):
    """The one handler for private chats: dispatches by the stored conversation state."""

    def __init__(
        self,
        flows: Sequence[FlowSpec],
        *,
        on_unknown_command: StepFn,
        on_free_text: StepFn,
        on_other_message: StepFn,
        on_forged_button: StepFn,
        on_stale_button: StepFn,
        on_cancel_nothing: StepFn,
        on_danger: DangerFn,
        on_paused: StepFn,
        on_consent_needed: StepFn,
        on_danger_unstored: UnstoredDangerFn,
        flood: FloodGate | None = None,
    ) -> None:
        super().__init__(self._handle)
        self.flood = flood
        self.flows = {f.name: f for f in flows}
        self.commands: dict[str, FlowSpec] = {}
        for flow in flows:
            for command in flow.commands:
                if command in self.commands:
                    raise ValueError(f"command /{command} claimed by two flows")
                self.commands[command] = flow
        self.by_prefix = {f.prefix: f for f in flows if f.prefix is not None}
        self.records = {f.name: f.record for f in flows if f.record is not None}
        self.on_unknown_command = on_unknown_command
        self.on_free_text = on_free_text
        self.on_other_message = on_other_message
        self.on_forged_button = on_forged_button
        self.on_stale_button = on_stale_button
        self.on_cancel_nothing = on_cancel_nothing
        self.on_danger = on_danger
        self.on_paused = on_paused
        self.on_consent_needed = on_consent_needed
        self.on_danger_unstored = on_danger_unstored

    def check_update(self, update: object) -> bool:
        """Private-chat messages (new or edited) and every button press."""
        if not isinstance(update, Update) or update.effective_user is None:
            return False
        if update.callback_query is not None:
            return True
        chat = update.effective_chat
        message = update.message or update.edited_message
        return message is not None and chat is not None and chat.type == "private"

    async def _handle(self, update: Update, context: BotContext) -> None:
        if await self._held_back(update, context):
            return  # one person's flood: let it pass, so everyone else is answered
        services = context.services
        now = services.clock.now()
        try:  # the database part, tried again while the database is locked or out of reach
            with statements_on_loop():  # one person's rows: on SQLite, no trips to its thread
                exchange = await patiently(
                    partial(self._stored, update, context, now),
                    notice=partial(one_moment_or_help, update, context, self.on_danger_unstored),
                    wait=services.settings.database_wait_seconds,
                )
        except AnsweredWithoutDatabase:
            return
        if exchange is None:
            await not_saved(update, context)
            return
        # state first, then what the person sees: a crash in between loses no answer
        await deliver(exchange)  # a send that fails shows the step again on the next update

    async def _stored(self, update: Update, context: BotContext, now: datetime) -> Exchange:
        """Everything this update reads and changes, in one committed transaction."""
        tg_user = update.effective_user
        assert tg_user is not None
        async with context.services.sessions() as session:
            if context.services.settings.webhook is not None:
                # any instance may get any update: a person's updates wait for each other
                await conversations.hold_person(session, telegram_id=tg_user.id)
            user, found, record = await conversations.get_person_and_conversation(
                session, telegram_id=tg_user.id, records=self.records
            )
            if user is None or user.consented_at is None:
                return await self._before_consent(update, context, session, user, found)
            if await crud.mark_seen(
                session, user=user, language_code=tg_user.language_code, now=now
            ):  # back after blocking the bot: their check-ins start again
                await plan_user(session, user=user, after=now)
            exchange = Exchange(update=update, context=context, session=session, user=user, now=now)
            exchange.record = record
            exchange.conversation = await self._live_conversation(exchange, found)
            try:
                if update.callback_query is not None:
                    await self._button(exchange, update.callback_query)
                elif update.edited_message is not None:
                    await self._edited(exchange, update.edited_message)
                else:
                    await self._message(exchange)
                if exchange.resumed:
                    await self._resume(exchange)
                for write in exchange.take_writes():  # none went with a move
                    await session.exec(write)
                await session.commit()
            except ConversationMoved:
                # another update (maybe on another instance) moved this conversation first:
                # this one changes nothing and says nothing, like a double tap
                await session.rollback()
                exchange.outbox.clear()
                exchange.toast_text = exchange.t("fallback.stale_button")
        return exchange

    async def _live_conversation(
        self, exchange: Exchange, conversation: Conversation | None
    ) -> Conversation | None:
        """The person's conversation as loaded, unless its flow is gone or it timed out."""
        if conversation is None:
            return None
        flow = self.flows.get(conversation.flow)
        if flow is None or conversation.state not in flow.steps:
            await conversations.delete_conversation(exchange.session, user_id=exchange.user_id)
            return None
        if conversation.expires_at <= exchange.now:
            await flow.on_expire(exchange.session, conversation, exchange.now)
            await conversations.delete_conversation(exchange.session, user_id=exchange.user_id)
            return None
        return conversation

    async def _message(self, exchange: Exchange) -> None:
        message = exchange.update.message
        assert message is not None
        conversation = exchange.conversation
        step = self._step(conversation)
        text = message.text
        words = text if text is not None else message.caption
        is_command = text is not None and text.startswith("/")
        if is_command and words is not None:
            words = words.partition(" ")[2].strip()  # only what follows the command
        if words and await self._screened(exchange, words, "command" if is_command else None):
            return
        if is_command:
            assert text is not None
            await self._command(exchange, text)
            return
        if exchange.paused:
            await self.on_paused(exchange)
            return
        if await self._shown_again(exchange):  # they never saw the step: words wait for it
            return
        if text is None:
            await self.on_other_message(exchange)
            if step is not None and conversation is not None:
                await self._show_step_again(exchange, conversation, step, again=False)
            return
        exchange.text = text
        if step is None or conversation is None:
            await self.on_free_text(exchange)
            return
        if step.on_text is None:
            await self._show_step_again(exchange, conversation, step)
            return
        exchange.ref = conversation.ref
        await self._advance(exchange, self.flows[conversation.flow], step.on_text)

    async def _screened(self, exchange: Exchange, words: str, place: str | None) -> bool:
        """Screen any words the person sent, before anything else sees them."""
        # a worker thread: the first call reads the lexicon and weights, a long message takes ms
        screen = await asyncio.to_thread(screen_text, words)
        if not screen:
            return False
        conversation = exchange.conversation
        step = self._step(conversation)
        holds = place is None and step is not None and step.on_text is not None
        if place is None:
            place = f"{conversation.flow}.{conversation.state}" if conversation else "free_text"
        exchange.place = place
        exchange.text = words
        await self.on_danger(exchange, screen, words if holds else None)
        return True

    async def _edited(self, exchange: Exchange, message: Message) -> None:
        """An edited message: screened like any words, then its stored words follow the edit
        (also after words of danger: they are the person's, only the answer differs)."""
        words = message.text or message.caption
        danger = bool(words) and await self._screened(exchange, words or "", "edited")
        if message.text is None or message.text.startswith("/"):
            return  # captions and commands are not stored as anyone's words
        saved = await sources.apply_edit(
            exchange.session,
            user_id=exchange.user_id,
            message_id=message.message_id,
            text=message.text,
        )
        if saved and not danger:
            await exchange.say(exchange.t("fallback.edit_saved"))

    async def _command(self, exchange: Exchange, text: str) -> None:
        head, *args = text.split()
        command, _, mention = head[1:].partition("@")
        command = command.lower()
        exchange.args = args
        bot_name = exchange.context.bot.username
        if mention and bot_name and mention.lower() != bot_name.lower():
            return  # addressed to another bot
        if command == "cancel":
            await self._cancel(exchange)
            return
        flow = self.commands.get(command)
        if flow is None:
            await self.on_unknown_command(exchange)
            return
        if exchange.paused and not flow.keeps_pause:
            await self._unpause(exchange)  # choosing what to do next answers the pause
        await self._advance(exchange, flow, flow.commands[command])

    async def _cancel(self, exchange: Exchange) -> None:
        conversation = exchange.conversation
        flow = self.flows[conversation.flow] if conversation else None
        if conversation is None or flow is None:
            await self.on_cancel_nothing(exchange)
            return
        if exchange.paused:
            await self._unpause(exchange)
        exchange.ref = conversation.ref
        if flow.on_cancel is not None:
            await self._advance(exchange, flow, flow.on_cancel)
        else:
            await flow.on_expire(exchange.session, conversation, exchange.now)
            await conversations.delete_conversation(exchange.session, user_id=exchange.user_id)
            await self.on_cancel_nothing(exchange)

    async def _button(self, exchange: Exchange, query: CallbackQuery) -> None:
        data = callbacks.parse(query.data)
        flow = self.by_prefix.get(data.flow) if data else None
        chat = exchange.update.effective_chat
        if data is None or flow is None or (chat is not None and chat.type != "private"):
            await self.on_forged_button(exchange)
            return
        exchange.callback = data
        conversation = exchange.conversation
        free = flow.buttons.get(data.action)
        if free is not None:
            exchange.ref = data.ref
            await self._advance(exchange, flow, free)
        else:
            step = self._step(conversation)
            fn = step.buttons.get(data.action) if step is not None else None
            if (
                fn is None
                or conversation is None
                or conversation.flow != flow.name
                or conversation.ref != data.ref
                or (data.state and data.state != conversation.state)
            ):
                # a double tap, or a button from an earlier step or message
                if not await self._shown_again(exchange):
                    await self.on_stale_button(exchange)
            elif exchange.paused:  # first: how are they?
                await self.on_paused(exchange)
            else:
                exchange.ref = data.ref
                await self._advance(exchange, flow, fn)
