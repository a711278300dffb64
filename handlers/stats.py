"""/stats: counts over everyone, for the people in ADMIN_USER_IDS only.

Anyone else gets exactly what an unknown command gets. The answer holds numbers only:
never anyone's words, ratings or ids. Not in the command menu.
"""

from __future__ import annotations

from datetime import timedelta

from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.storage.admin_counts import counts_since
from handlers import consent, help

WEEK = timedelta(days=7)


def _is_admin(exchange: Exchange) -> bool:
    chat = exchange.update.effective_chat
    admins = exchange.context.services.settings.admin_user_ids
    return chat is not None and chat.type == "private" and exchange.user.telegram_id in admins


async def show_stats(exchange: Exchange) -> str:
    """/stats: people, and what was done in the last 7 days (an unknown command to others)."""
    if not _is_admin(exchange):
        if exchange.user.consented_at is None:
            return await consent.ask(exchange)
        return await help.unknown_command(exchange)
    counts = await counts_since(exchange.session, since=exchange.now - WEEK)
    await exchange.say(
        exchange.t(
            "stats.counts",
            people=counts.people,
            active=counts.active,
            ratings=counts.ratings,
            breaks=counts.breaks,
            practices=counts.practices,
        )
    )
    return UNCHANGED


def build_flow() -> FlowSpec:
    """The stats command (no steps: it answers at once); it needs no consent of its own."""
    return FlowSpec(
        name="stats", commands={"stats": show_stats}, open_before_consent=frozenset({"stats"})
    )
