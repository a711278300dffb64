"""Ending conversations nobody came back to (a repeating job)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.context import BotContext
from bot.flow.spec import FlowSpec
from bot.storage import conversations


async def expire_conversations(context: BotContext, flows: Mapping[str, FlowSpec]) -> int:
    """End every timed-out conversation quietly (a job); returns how many ended."""
    services = context.services
    now = services.clock.now()
    ended = 0
    async with services.sessions() as session:
        for conversation in await conversations.expired_conversations(session, now=now):
            flow = flows.get(conversation.flow)
            if flow is not None:
                await flow.on_expire(session, conversation, now)
            if await conversations.delete_conversation(
                session, user_id=conversation.user_id, expected_version=conversation.version
            ):
                ended += 1
        await session.commit()
    return ended
