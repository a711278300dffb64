"""/history: the person's entries, newest first, a page at a time; correct a rating, delete one.

Every button carries an entry's id and kind; the storage reads only the presser's own
rows, so an id of someone else's entry finds nothing and changes nothing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.timezones import UTC_ZONE
from bot.flow import UNCHANGED, Exchange, FlowSpec
from bot.storage import history as store
from bot.ui import history_keyboards
from bot.ui.callbacks import Prefix
from bot.ui.history_text import entry_detail, entry_line, page_text

PAGE_SIZE = 6


def _zone(exchange: Exchange) -> ZoneInfo:
    return ZoneInfo(exchange.user.time_zone or UTC_ZONE)


def _pressed(exchange: Exchange) -> tuple[str, int]:
    assert exchange.callback is not None
    return exchange.callback.value, exchange.callback.ref


async def _show_page(exchange: Exchange, offset: int) -> None:
    entries, older = await store.page(
        exchange.session, user_id=exchange.user_id, offset=offset, size=PAGE_SIZE
    )
    zone, language = _zone(exchange), exchange.language
    text = page_text(
        [entry_line(entry, zone, language) for _kind, entry in entries],
        first=offset == 0,
        language=language,
    )
    keyboard = history_keyboards.page(
        [(kind, entry.id) for kind, entry in entries],
        offset=offset,
        size=PAGE_SIZE,
        older=older,
        language=language,
    )
    await exchange.say(text, keyboard)


async def show(exchange: Exchange) -> str:
    """/history: the newest entries."""
    await _show_page(exchange, 0)
    return UNCHANGED


async def turn_page(exchange: Exchange) -> str:
    """'Older', 'Newer' or 'Back to the list': the page from the offset the button carries."""
    _kind, offset = _pressed(exchange)
    await exchange.close_buttons()
    await _show_page(exchange, offset)
    return UNCHANGED


async def open_entry(exchange: Exchange) -> str:
    """A number: that entry in full, with what can be done with it."""
    kind, entry_id = _pressed(exchange)
    entry = await store.get_entry(
        exchange.session, user_id=exchange.user_id, kind=kind, entry_id=entry_id
    )
    if entry is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.say(
        entry_detail(entry, _zone(exchange), exchange.language),
        history_keyboards.entry(kind, entry_id, exchange.language),
    )
    return UNCHANGED


async def ask_value(exchange: Exchange) -> str:
    """'Correct the rating': 0 to 10."""
    kind, entry_id = _pressed(exchange)
    found = await store.get_entry(
        exchange.session, user_id=exchange.user_id, kind=kind, entry_id=entry_id
    )
    if kind != "r" or found is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons()
    await exchange.say(
        exchange.t("history.ask_value"), history_keyboards.new_value(entry_id, exchange.language)
    )
    return UNCHANGED


async def set_value(exchange: Exchange) -> str:
    """A number on the scale: the rating takes it."""
    assert exchange.callback is not None
    value = exchange.callback.int_value(0, 10)
    changed = value is not None and await store.correct_rating(
        exchange.session, user_id=exchange.user_id, rating_id=exchange.callback.ref, value=value
    )
    if not changed:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons(str(value))
    await exchange.say(exchange.t("history.corrected", value=value))
    return UNCHANGED


async def ask_delete(exchange: Exchange) -> str:
    """'Delete': asked once more."""
    kind, entry_id = _pressed(exchange)
    found = await store.get_entry(
        exchange.session, user_id=exchange.user_id, kind=kind, entry_id=entry_id
    )
    if found is None:
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons()
    await exchange.say(
        exchange.t("history.ask_delete"),
        history_keyboards.confirm_delete(kind, entry_id, exchange.language),
    )
    return UNCHANGED


async def delete(exchange: Exchange) -> str:
    """'Yes, delete it': the entry goes, with its tags, answers or ratings."""
    kind, entry_id = _pressed(exchange)
    if not await store.delete_entry(
        exchange.session, user_id=exchange.user_id, kind=kind, entry_id=entry_id
    ):
        await exchange.refuse_button()
        return UNCHANGED
    await exchange.close_buttons(exchange.t("buttons.history.sure"))
    await exchange.say(exchange.t("history.deleted"))
    return UNCHANGED


async def keep(exchange: Exchange) -> str:
    """'Keep it': nothing changes."""
    await exchange.close_buttons(exchange.t("history.kept"))
    return UNCHANGED


async def done(exchange: Exchange) -> str:
    """'Done' under the list."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("history.done"))
    return UNCHANGED


def build_flow() -> FlowSpec:
    """Looking back: the list and each entry's buttons (all free: each checks its owner)."""
    return FlowSpec(
        name="history",
        prefix=Prefix.HISTORY,
        commands={"history": show},
        buttons={
            "page": turn_page,
            "open": open_entry,
            "fix": ask_value,
            "set": set_value,
            "del": ask_delete,
            "sure": delete,
            "keep": keep,
            "done": done,
        },
        keeps_pause=True,
    )
