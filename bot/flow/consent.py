"""Before a person agrees to what is stored: only /sos, /privacy and the consent answers.

Nothing they write is kept until they agree: a person not yet stored gets an ``Exchange``
with a ``User`` that is never added (``id`` is None). Words are still screened for danger
and answered, without a screen hit being stored. Someone who was here before consent was
asked keeps their data and is asked once, at their next message.
"""

from __future__ import annotations

import asyncio

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import CallbackQuery, Update

from bot.context import BotContext
from bot.core.crisis_screen import screen_text
from bot.flow.exchange import Exchange
from bot.flow.spec import FlowSpec, StepFn, UnstoredDangerFn
from bot.storage.models import Conversation, User
from bot.ui import callbacks


class ConsentGate:
    """The part of the router that answers people who have not agreed yet."""

    flows: dict[str, FlowSpec]
    commands: dict[str, FlowSpec]
    by_prefix: dict[callbacks.Prefix, FlowSpec]
    on_consent_needed: StepFn
    on_danger_unstored: UnstoredDangerFn

    async def _live_conversation(
        self, exchange: Exchange, conversation: Conversation | None
    ) -> Conversation | None:
        raise NotImplementedError

    async def _advance(self, exchange: Exchange, flow: FlowSpec, fn: StepFn) -> None:
        raise NotImplementedError

    async def _button(self, exchange: Exchange, query: CallbackQuery) -> None:
        raise NotImplementedError

    async def _before_consent(
        self,
        update: Update,
        context: BotContext,
        session: AsyncSession,
        known: User | None,
        conversation: Conversation | None,
    ) -> Exchange:
        """Before a yes, nothing they write is stored: only /sos, /privacy and consent work.

        Returns the exchange, committed, with what to send them.
        """
        tg_user = update.effective_user
        assert tg_user is not None
        now = context.services.clock.now()
        user = known or User(
            telegram_id=tg_user.id,
            first_name=tg_user.first_name[:128],
            language_code=(tg_user.language_code or "")[:16] or None,
            created_at=now,
            last_seen_at=now,
        )
        exchange = Exchange(update=update, context=context, session=session, user=user, now=now)
        if known is not None:  # agreed to nothing yet, but their earlier data is kept
            exchange.conversation = await self._live_conversation(exchange, conversation)
        flow, fn = self._open_entry(update)
        message = update.message or update.edited_message
        words = (message.text or message.caption) if message is not None else None
        if words and words.startswith("/"):
            words = words.partition(" ")[2].strip()
        screen = await asyncio.to_thread(screen_text, words) if words else None
        if screen:
            await self.on_danger_unstored(exchange, screen)
        elif flow is not None and fn is not None:
            await self._advance_unstored(exchange, flow, fn)
        elif flow is not None and known is not None and update.callback_query is not None:
            await self._button(exchange, update.callback_query)  # e.g. /delete's questions
        elif update.edited_message is None:
            await self.on_consent_needed(exchange)
        await session.commit()
        return exchange

    async def _advance_unstored(self, exchange: Exchange, flow: FlowSpec, fn: StepFn) -> None:
        if exchange.update.callback_query is not None:
            data = callbacks.parse(exchange.update.callback_query.data)
            exchange.callback = data
            exchange.ref = data.ref if data else 0
        # steps open before consent keep nothing (they return UNCHANGED), except "I agree"
        await self._advance(exchange, flow, fn)

    def _open_entry(self, update: Update) -> tuple[FlowSpec | None, StepFn | None]:
        """The command or free button usable before consent that this update asks for."""
        if update.callback_query is not None:
            data = callbacks.parse(update.callback_query.data)
            flow = self.by_prefix.get(data.flow) if data else None
            if data is None or flow is None or data.action not in flow.open_before_consent:
                return None, None
            return flow, flow.buttons.get(data.action)  # None for a step's button
        text = update.message.text if update.message is not None else None
        if not text or not text.startswith("/"):
            return None, None
        command = text.split()[0][1:].partition("@")[0].lower()
        flow = self.commands.get(command)
        if flow is None or command not in flow.open_before_consent:
            return None, None
        return flow, flow.commands[command]
