"""/help, /urgent and the kind answers to anything unexpected."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.delivery.planning import plan_user
from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.storage import crud
from bot.storage.deliveries import drop_pending
from bot.ui import keyboards
from bot.ui.callbacks import Prefix
from bot.ui.commands import help_text
from bot.ui.texts import t
from handlers import consent
from handlers.safety import sos

HUGE_TEXT = 1000  # characters; longer free text gets a word of acknowledgement


async def show_help(exchange: Exchange) -> str:
    """/help: what the bot can do (before a yes to what is kept, followed by that question)."""
    if exchange.user.consented_at is None:
        await exchange.say(help_text(exchange.language))
        return await consent.ask(exchange)
    await exchange.say(help_text(exchange.language), keyboards.menu(exchange.language))
    return UNCHANGED


async def free_text(exchange: Exchange) -> str:
    """Text outside any flow (already screened for danger): point to what the bot can do."""
    if exchange.text and len(exchange.text) > HUGE_TEXT:
        await exchange.say(exchange.t("fallback.huge_text"))
    await exchange.say(
        exchange.t("fallback.free_text", variant=exchange.update.update_id),
        keyboards.menu(exchange.language),
    )
    return UNCHANGED


async def unknown_command(exchange: Exchange) -> str:
    """A command the bot does not know."""
    await exchange.say(exchange.t("fallback.unknown_command"))
    return UNCHANGED


async def other_message(exchange: Exchange) -> str:
    """A sticker, photo, voice note or anything that is not text."""
    await exchange.say(exchange.t("fallback.other_message"))
    return UNCHANGED


async def forged_button(exchange: Exchange) -> str:
    """Button data the bot could not have made."""
    await exchange.refuse_button()
    return UNCHANGED


async def stale_button(exchange: Exchange) -> str:
    """A double tap, or a button from an earlier step: say so, and take those buttons away."""
    await exchange.toast(exchange.t("fallback.stale_button"))
    await exchange.close_buttons()
    return UNCHANGED


async def cancel_nothing(exchange: Exchange) -> str:
    """/cancel with nothing under way."""
    await exchange.say(exchange.t("fallback.cancel_nothing"))
    return UNCHANGED


async def group_chat(update: Update, context: BotContext) -> None:
    """In groups: no flows, just an invitation to a private chat."""
    message = update.effective_message
    if message is None:
        return
    language = update.effective_user.language_code if update.effective_user else None
    await message.reply_text(
        t("fallback.group", language),
        reply_markup=keyboards.private_chat(context.bot.username, language),
    )


async def membership(update: Update, context: BotContext) -> None:
    """The person blocked the bot (check-ins stop) or came back (they start again)."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    services = context.services
    now = services.clock.now()
    blocked = change.new_chat_member.status in {"kicked", "left"}
    async with services.sessions() as session:
        user = await crud.get_user(session, telegram_id=change.chat.id)
        if user is None:
            return
        user.active = not blocked
        session.add(user)
        if blocked:
            await drop_pending(session, user_id=user.id or 0)
        else:
            await plan_user(session, user=user, after=now)
        await session.commit()


def build_flow() -> FlowSpec:
    """Standalone commands and menu buttons (no steps)."""
    return FlowSpec(
        name="help",
        prefix=Prefix.MENU,
        commands={"help": show_help},
        buttons={"urgent": sos, "help": show_help},
        keeps_pause=True,
        open_before_consent=frozenset({"urgent", "help"}),
    )
