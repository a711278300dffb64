"""One update being handled: the person, the database, and what to send them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.flow.faults import Outcome, answer_button, send_in_order
from bot.storage import sources
from bot.storage.models import Conversation, User
from bot.ui import callbacks
from bot.ui.texts import t

log = logging.getLogger(__name__)

FINISHED = "__end__"  # a step returns this to finish its flow
UNCHANGED = "__keep__"  # a command or button that leaves the conversation as it is

MAX_TEXT = 4096  # Telegram's limit for a message text


@dataclass
class QueuedKeyboard:
    """A keyboard waiting to be sent; the router writes the step into its buttons first."""

    markup: InlineKeyboardMarkup | None


@dataclass
class Exchange:
    """One update, with everything a step needs: the person, the database and ways to answer."""

    update: Update
    context: BotContext
    session: AsyncSession
    user: User
    now: datetime
    conversation: Conversation | None = None
    # the record the conversation is about (a break, a rating), loaded with it: held here,
    # the session hands it to ``session.get`` without another query
    record: SQLModel | None = field(default=None, repr=False)
    callback: callbacks.Callback | None = None
    text: str | None = None
    args: Sequence[str] = ()
    ref: int = 0
    place: str = ""
    resume_with: str | None = None
    hold_note: str | None = None  # words the next step of this flow should have
    resumed: bool = False
    outbox: list[Callable[[], Awaitable[object]]] = field(default_factory=list, repr=False)
    keyboards: list[QueuedKeyboard] = field(default_factory=list, repr=False)
    toast_text: str | None = field(default=None, repr=False)
    pressed_taken: bool = field(default=False, repr=False)  # a step took its place
    # where this message's words went (``sources.remembered``), sent with the next write
    written: Any = field(default=None, repr=False)

    @property
    def language(self) -> str | None:
        """The person's language code."""
        return self.user.language_code

    @property
    def chat_id(self) -> int:
        """The private chat with this person."""
        return self.user.telegram_id

    @property
    def user_id(self) -> int:
        """The person's row id (every exchange has a stored person)."""
        assert self.user.id is not None
        return self.user.id

    def in_other_flow(self, name: str) -> bool:
        """Whether a conversation of another flow than ``name`` is under way."""
        return self.conversation is not None and self.conversation.flow != name

    @property
    def paused(self) -> bool:
        """Whether the person's flow waits for them to say how they are."""
        return self.conversation is not None and self.conversation.paused_by is not None

    def resume(self, text: str | None) -> None:
        """After this step, go back to the paused flow, handing it ``text`` if given."""
        self.resumed = True
        self.resume_with = text

    async def wrote(self, entry: str, row_id: int | None) -> None:
        """Remember that this message's words were stored as ``entry`` (``table:column``) of
        one row, so that editing the message in Telegram updates them there."""
        message = self.update.message
        if message is None or row_id is None or self.text is None:
            return  # words handed back after a pause, or none: their message is not this one
        # one message, one entry: a later call names where its words went in the end
        self.written = sources.remembered(
            self.session,
            user_id=self.user_id,
            message_id=message.message_id,
            entry=entry,
            row_id=row_id,
            now=self.now,
        )

    def take_writes(self) -> list[Any]:
        """The writes waiting to go with the conversation's move (or before the commit)."""
        written, self.written = self.written, None
        return [written] if written is not None else []

    def t(self, key: str, *, variant: int = 0, **fields: object) -> str:
        """A catalogue text in the person's language."""
        return t(key, self.language, variant=variant, **fields)

    async def say(
        self, text: str, keyboard: InlineKeyboardMarkup | None = None, *, in_place: bool = False
    ) -> None:
        """Queue a message to the person (sent once the step's changes are stored).

        ``in_place``: the next step takes the place of the pressed message, its text and
        buttons in one edit (instead of taking the buttons off and sending a message).
        Where there is no pressed text message to take, or the edit fails, it is sent.
        """
        bot, chat_id = self.context.bot, self.chat_id
        held = self._hold(keyboard)
        pressed = self._take_pressed() if in_place else None

        async def send() -> Message:
            if pressed is not None:
                try:
                    edited = await pressed.edit_text(text[:MAX_TEXT], reply_markup=held.markup)
                except BadRequest as exc:  # deleted meanwhile, or no longer editable
                    if "not modified" in exc.message.lower():
                        return pressed  # an earlier try arrived, only its answer was lost
                    log.info("could not show a step in place: %s", exc.message)
                else:
                    if isinstance(edited, Message):
                        return edited
            return await bot.send_message(
                chat_id=chat_id, text=text[:MAX_TEXT], reply_markup=held.markup
            )

        self.outbox.append(send)

    def _take_pressed(self) -> Message | None:
        """The pressed text message, for one step to take its place (once per update)."""
        query = self.update.callback_query
        message = query.message if query is not None else None
        if self.pressed_taken or not isinstance(message, Message) or message.text is None:
            return None
        self.pressed_taken = True
        return message

    async def send_photo(
        self,
        png: bytes | Callable[[], Awaitable[bytes]],
        caption: str,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Queue a picture with a caption (at most 1,024 characters: see ``split_caption``).

        ``png`` may be a coroutine function that makes the picture: it runs only when the
        queue is sent, after the step's changes are stored, so slow work such as drawing a
        chart never holds a database transaction open.
        """
        bot, chat_id = self.context.bot, self.chat_id
        held = self._hold(keyboard)

        async def send() -> Message:
            photo = png if isinstance(png, bytes) else await png()
            return await bot.send_photo(
                chat_id=chat_id, photo=photo, caption=caption, reply_markup=held.markup
            )

        self.outbox.append(send)

    async def send_document(
        self,
        make: Callable[[], Awaitable[bytes]],
        filename: str,
        caption: str,
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Queue a file; ``make`` builds it when the queue is sent, after the commit."""
        bot, chat_id = self.context.bot, self.chat_id
        held = self._hold(keyboard)

        async def send() -> Message:
            content = await make()
            return await bot.send_document(
                chat_id=chat_id,
                document=content,
                filename=filename,
                caption=caption,
                reply_markup=held.markup,
            )

        self.outbox.append(send)

    def _hold(self, keyboard: InlineKeyboardMarkup | None) -> QueuedKeyboard:
        held = QueuedKeyboard(keyboard)
        self.keyboards.append(held)
        return held

    async def toast(self, text: str | None = None) -> None:
        """Set the short notice shown when the pressed button is answered."""
        if text:
            self.toast_text = text[:200]

    async def refuse_button(self) -> None:
        """Answer a forged or unknown button with the usual short notice."""
        await self.toast(self.t("fallback.forged_button"))

    async def close_buttons(self, choice: str | None = None) -> None:
        """Queue taking the buttons off the pressed message, showing the choice made if given."""
        query = self.update.callback_query
        message = query.message if query else None
        if not isinstance(message, Message):
            return
        found: Message = message

        async def close() -> None:
            try:
                if choice and found.text:
                    await found.edit_text(f"{found.text}\n\n{choice}"[:MAX_TEXT])
                elif found.reply_markup is not None:
                    await found.edit_reply_markup(reply_markup=None)
            except BadRequest as exc:  # already edited by a double tap, or too old
                log.debug("could not close buttons: %s", exc.message)

        self.outbox.append(close)

    async def edit_buttons(self, keyboard: InlineKeyboardMarkup) -> None:
        """Queue replacing the buttons of the pressed message."""
        query = self.update.callback_query
        message = query.message if query else None
        if not isinstance(message, Message):
            return
        found: Message = message
        held = self._hold(keyboard)

        async def edit() -> None:
            try:
                await found.edit_reply_markup(reply_markup=held.markup)
            except BadRequest as exc:
                log.debug("could not change buttons: %s", exc.message)

        self.outbox.append(edit)

    async def deliver(self) -> Outcome:
        """Answer the pressed button first (it stops spinning), then send what was queued,
        each call tried again after a passing fault; how it went."""
        query = self.update.callback_query
        if query is not None:
            await answer_button(query, self.toast_text)
        try:
            return await send_in_order(self.outbox)
        finally:
            self.outbox.clear()
