"""/help, /urgent and the kind answers to anything unexpected."""

from __future__ import annotations

from telegram import Update

from bot.context import KBContext
from bot.delivery.planning import plan_user
from bot.flow import KEEP, FlowSpec, Turn
from bot.storage import crud
from bot.storage.deliveries import drop_pending
from bot.ui import keyboards
from bot.ui.callbacks import Flow
from bot.ui.commands import help_text
from bot.ui.texts import t
from handlers.safety import sos

HUGE_TEXT = 1000  # characters; longer free text gets a word of acknowledgement


async def show_help(turn: Turn) -> str:
    """/help: what the bot can do."""
    await turn.say(help_text(turn.language), keyboards.menu(turn.language))
    return KEEP


async def free_text(turn: Turn) -> str:
    """Text outside any flow (already screened for danger): point to what the bot can do."""
    if turn.text and len(turn.text) > HUGE_TEXT:
        await turn.say(turn.t("fallback.huge_text"))
    await turn.say(
        turn.t("fallback.free_text", variant=turn.update.update_id), keyboards.menu(turn.language)
    )
    return KEEP


async def unknown_command(turn: Turn) -> str:
    """A command the bot does not know."""
    await turn.say(turn.t("fallback.unknown_command"))
    return KEEP


async def other_message(turn: Turn) -> str:
    """A sticker, photo, voice note or anything that is not text."""
    await turn.say(turn.t("fallback.other_message"))
    return KEEP


async def forged_button(turn: Turn) -> str:
    """Button data the bot could not have made."""
    await turn.toast(turn.t("fallback.forged_button"))
    return KEEP


async def stale_button(turn: Turn) -> str:
    """A double tap, or a button from an earlier step: say so, and take those buttons away."""
    await turn.toast(turn.t("fallback.stale_button"))
    await turn.close_buttons()
    return KEEP


async def cancel_nothing(turn: Turn) -> str:
    """/cancel with nothing under way."""
    await turn.say(turn.t("fallback.cancel_nothing"))
    return KEEP


async def group_chat(update: Update, context: KBContext) -> None:
    """In groups: no flows, just an invitation to a private chat."""
    message = update.effective_message
    if message is None:
        return
    language = update.effective_user.language_code if update.effective_user else None
    await message.reply_text(
        t("fallback.group", language),
        reply_markup=keyboards.private_chat(context.bot.username, language),
    )


async def membership(update: Update, context: KBContext) -> None:
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
        prefix=Flow.MENU,
        commands={"help": show_help},
        buttons={"urgent": sos, "help": show_help},
        keeps_pause=True,
    )
