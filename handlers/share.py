"""/share, for helpers and therapists: a link to pass on and a one-page card of the break.

The link is the bot's own deep link with one fixed start code, the same for everyone,
so nothing stored connects whoever opens it with whoever passed it on.
"""

from __future__ import annotations

import asyncio

from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.ui.practice_card import card_data, card_text, render_card

INVITE_CODE = "colleague"  # what /start carries when opened from a shared link


def invite_link(bot_username: str) -> str:
    """The deep link that opens the bot with the colleague's welcome."""
    return f"https://t.me/{bot_username}?start={INVITE_CODE}"


def is_invited(text: str | None) -> bool:
    """Whether a message is /start from a shared link."""
    return (text or "").split() == ["/start", INVITE_CODE]


async def share(exchange: Exchange) -> str:
    """/share: the link (and that the inviter learns nothing), then the card as a picture."""
    username = exchange.context.bot.username
    if username:
        await exchange.say(exchange.t("share.invite", link=invite_link(username)))
    else:
        await exchange.say(exchange.t("share.no_username"))
    data = card_data(exchange.language)

    async def draw() -> bytes:
        return await asyncio.to_thread(render_card, data)

    await exchange.say(exchange.t("share.card_intro"))
    await exchange.send_photo(draw, card_text(data))
    return UNCHANGED


def build_flow() -> FlowSpec:
    """The /share command (no steps)."""
    return FlowSpec(name="share", commands={"share": share})
