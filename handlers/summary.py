"""/summary and the weekly summary: the person's mood over a period, as a chart with kind words."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import cast

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.context import SERVICES_KEY, KBApplication, Services
from bot.core.log_ids import log_id
from bot.core.stats import local_date
from bot.core.timezones import UTC_ZONE
from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.storage import practices as practice_store
from bot.storage.deliveries import ClaimedDelivery
from bot.storage.periods import MONTH, WEEK, load_period
from bot.ui import keyboards
from bot.ui.summary import PreparedSummary, build_summary
from bot.ui.summary_text import CAPTION_LIMIT, split_caption
from bot.workers import ProcessPool

log = logging.getLogger(__name__)


async def prepare_summary(
    session: AsyncSession,
    *,
    user_id: int,
    zone: str,
    period_end: dt.datetime,
    days: int = WEEK,
    language: str | None = None,
) -> PreparedSummary:
    """Load one person's records and build their summary (the chart is drawn later)."""
    records = await load_period(
        session, user_id=user_id, zone=zone, period_end=period_end, days=days
    )
    phrases = await practice_store.list_phrases(session, user_id=user_id)
    # one of their own phrases to close with, a different one from one week to the next
    phrase = (
        phrases[local_date(period_end, zone).toordinal() // WEEK % len(phrases)]
        if phrases
        else None
    )
    return build_summary(
        records,
        zone=zone,
        period_end=period_end,
        days=days,
        language=language,
        phrase=phrase.text if phrase else None,
    )


PERIODS = {"": WEEK, "week": WEEK, "7": WEEK, "month": MONTH, "30": MONTH}
"""What may follow /summary, and how many local days each covers."""


def _keyboard(prepared: PreparedSummary, language: str | None) -> InlineKeyboardMarkup | None:
    """A 'take a break' button under the summary of a hard stretch."""
    return keyboards.offer_break(language) if prepared.summary.is_hard_week else None


async def show_summary(exchange: Exchange) -> str:
    """/summary (the last 7 days) or /summary month (the last 30): a chart with its words."""
    days = PERIODS.get(exchange.args[0].lower() if exchange.args else "")
    if days is None:
        await exchange.say(exchange.t("summary.command.usage"))
        return UNCHANGED
    assert exchange.user.id is not None
    zone = exchange.user.time_zone
    if zone is None:  # days in UTC until they tell us their zone, and we say so
        await exchange.say(exchange.t("summary.command.no_time_zone"))
    prepared = await prepare_summary(
        exchange.session,
        user_id=exchange.user.id,
        zone=zone or UTC_ZONE,
        period_end=exchange.now,
        days=days,
        language=exchange.language,
    )
    keyboard = _keyboard(prepared, exchange.language)
    if prepared.chart is None:
        await exchange.say(prepared.text, keyboard)
        return UNCHANGED
    caption, rest = split_caption(prepared.text, CAPTION_LIMIT)
    # the chart is drawn after the commit, in a worker process
    pool = exchange.context.services.charts
    await exchange.send_photo(partial(prepared.render, pool), caption, None if rest else keyboard)
    if rest:
        await exchange.say(rest, keyboard)
    return UNCHANGED


async def send_summary(
    bot: Bot,
    chat_id: int,
    prepared: PreparedSummary,
    language: str | None,
    pool: ProcessPool | None = None,
    *,
    log_secret: str,
    paid: bool = False,
) -> int:
    """Send a prepared summary (chart and caption, any rest after it); returns the first
    message id. ``paid``: as Telegram's paid broadcasts (a scheduled summary, when set)."""
    keyboard = _keyboard(prepared, language)
    broadcast = paid or None
    if prepared.chart is None:
        message = await bot.send_message(
            chat_id=chat_id,
            text=prepared.text,
            reply_markup=keyboard,
            allow_paid_broadcast=broadcast,
        )
        return message.message_id
    caption, rest = split_caption(prepared.text, CAPTION_LIMIT)
    png = await prepared.render(pool)
    message = await bot.send_photo(
        chat_id=chat_id,
        photo=png,
        caption=caption,
        reply_markup=None if rest else keyboard,
        allow_paid_broadcast=broadcast,
    )
    if rest:
        try:
            await bot.send_message(
                chat_id=chat_id, text=rest, reply_markup=keyboard, allow_paid_broadcast=broadcast
            )
        except TelegramError as exc:
            # the chart has arrived: a retry of the whole delivery would send it twice
            log.warning("summary rest not sent to %s: %s", log_id(chat_id, log_secret), exc)
    return message.message_id


async def send_scheduled_summary(
    app: KBApplication, claimed: ClaimedDelivery, *, paid: bool = False
) -> int:
    """Send one person's weekly summary of the 7 local days ending at its due time (as a
    paid broadcast when ``paid``)."""
    services = cast(Services, app.bot_data[SERVICES_KEY])
    async with services.sessions() as session:  # read only, and closed before drawing
        prepared = await prepare_summary(
            session,
            user_id=claimed.user_id,
            zone=claimed.time_zone or UTC_ZONE,
            period_end=claimed.due_at,
            days=WEEK,
            language=claimed.language,
        )
    return await send_summary(
        app.bot,
        claimed.chat_id,
        prepared,
        claimed.language,
        services.charts,
        log_secret=services.settings.log_secret,
        paid=paid,
    )


def build_flow() -> FlowSpec:
    """The summary command (no steps: it answers at once)."""
    return FlowSpec(name="summary", commands={"summary": show_summary})
