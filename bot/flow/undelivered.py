"""After an answer could not be sent: nobody is left without a way on.

The step's new state is stored before its message is sent. When the message still fails
after the short retry, the conversation is marked ``undelivered`` and the person is told
something went wrong; their next message or tap shows the step again, with its buttons.
When Telegram says the person blocked the bot, nothing more is sent to them.
"""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.core.log_ids import log_id
from bot.flow.exchange import Exchange
from bot.flow.faults import Outcome, with_retries
from bot.storage import conversations, deliveries

log = logging.getLogger(__name__)


async def deliver(exchange: Exchange) -> Outcome:
    """Send what the update queued; when that fails, keep the person able to go on."""
    outcome = await exchange.deliver()
    if outcome == Outcome.BLOCKED:
        await _blocked(exchange)
    elif outcome == Outcome.FAILED:
        await _undelivered(exchange)
    return outcome


async def _blocked(exchange: Exchange) -> None:
    services = exchange.context.services
    if exchange.user.id is not None:
        async with services.sessions() as session:
            await deliveries.deactivate_user(session, user_id=exchange.user.id)
            await session.commit()
    person = log_id(exchange.chat_id, services.settings.log_secret)
    log.info("person %s blocked the bot while being answered: nothing more is sent", person)


async def _undelivered(exchange: Exchange) -> None:
    in_flow = False
    if exchange.user.id is not None:
        async with exchange.context.services.sessions() as session:
            in_flow = await conversations.mark_undelivered(
                session, user_id=exchange.user.id, undelivered=True
            )
            await session.commit()
    # within a flow: any word from them shows the step again; otherwise the usual apology
    text = exchange.t("fallback.unsent" if in_flow else "fallback.error")
    bot, chat_id = exchange.context.bot, exchange.chat_id
    try:
        await with_retries(lambda: bot.send_message(chat_id=chat_id, text=text))
    except TelegramError as exc:  # still unreachable: the next update shows the step again
        log.info("could not say that something went wrong (%s)", type(exc).__name__)
