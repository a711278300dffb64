"""/mood: a quick mood rating, 0–10, with an optional note."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardMarkup

from bot.core.choices import FEELING_TAGS
from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step
from bot.storage import crud
from bot.storage.models import MoodRating, RatingKind
from bot.ui import keyboards
from bot.ui.callbacks import Prefix
from handlers.common import parse_mood, rating_steps
from handlers.next_step import offer_next_step


class MoodState(StrEnum):
    """The steps of a quick rating."""

    RATING = "rating"
    TAGS = "tags"
    NOTE = "note"


def _ask(exchange: Exchange, intro: str = "") -> tuple[str, InlineKeyboardMarkup]:
    return (
        intro + exchange.t("mood.ask", scale=exchange.t("mood.scale")),
        keyboards.mood_scale(Prefix.MOOD, "rate", 0, exchange.language, skip=False),
    )


async def ask_mood(exchange: Exchange) -> str:
    """/mood (or the menu button): ask for a rating; "/mood 6 tired" saves at once."""
    note = " ".join(exchange.args[1:]) or None
    if exchange.args:
        value = parse_mood(exchange.args[0])
        if value is not None:
            exchange.text = note
            return await _save(exchange, value, note)
    off_scale = bool(exchange.args) and exchange.args[0].lstrip("-").isdigit()
    exchange.ref = 0
    exchange.hold_note = note if off_scale else " ".join(exchange.args) or None
    said = [exchange.t("mood.off_scale")] if off_scale else []
    if exchange.hold_note:
        said.append(exchange.t("mood.words_kept"))
    intro = " ".join(said) + "\n\n" if said else ""
    await exchange.say(*_ask(exchange, intro))
    return MoodState.RATING


async def _rated(exchange: Exchange, value: int) -> str:
    assert exchange.user.id is not None
    held = exchange.conversation.held_note if exchange.conversation else None  # "/mood 12 great"
    rating = await crud.add_rating(
        exchange.session,
        user_id=exchange.user.id,
        value=value,
        kind=RatingKind.QUICK,
        now=exchange.now,
        note=held,
    )
    assert rating is not None and rating.id is not None
    exchange.ref = rating.id
    await exchange.say(
        exchange.t("checkin.ask_tags"),
        keyboards.feeling_tags(rating.id, set(), exchange.language, Prefix.MOOD),
    )
    return MoodState.TAGS


# the rating, by button or typed, then the feelings
rating_button, rating_text = rating_steps(_rated)


async def tag(exchange: Exchange) -> str:
    """Tick or untick a feeling of the rating just stored."""
    index = exchange.callback.int_value(0, len(FEELING_TAGS) - 1) if exchange.callback else None
    if index is None:
        await exchange.refuse_button()
        return UNCHANGED
    chosen = await crud.toggle_tag(
        exchange.session, rating_id=exchange.ref, tag=FEELING_TAGS[index]
    )
    await exchange.edit_buttons(
        keyboards.feeling_tags(exchange.ref, chosen, exchange.language, Prefix.MOOD)
    )
    return UNCHANGED


async def tags_done(exchange: Exchange) -> str:
    """Feelings chosen: show them, then offer a note."""
    chosen = await crud.get_tags(exchange.session, rating_id=exchange.ref)
    names = ", ".join(exchange.t(f"tags.{tag}") for tag in FEELING_TAGS if tag in chosen)
    await exchange.close_buttons(
        exchange.t("checkin.tags_chosen", tags=names) if names else exchange.t("checkin.no_tags")
    )
    await _ask_note(exchange)
    return MoodState.NOTE


async def note(exchange: Exchange) -> str:
    """The note: attach it to the rating just stored."""
    assert exchange.user.id is not None
    rating = await crud.get_rating(
        exchange.session, rating_id=exchange.ref, user_id=exchange.user.id
    )
    if rating is None:
        return FINISHED
    rating.note = exchange.text
    exchange.session.add(rating)
    await exchange.wrote("mood_ratings:note", rating.id)
    await exchange.say(exchange.t("mood.saved_note"))
    await _offer_next_step(exchange, rating.value, rating.id)
    return FINISHED


async def skip_note(exchange: Exchange) -> str:
    """No note: done, said in place of the note question (nothing on it to keep)."""
    assert exchange.user.id is not None
    rating = await crud.get_rating(
        exchange.session, rating_id=exchange.ref, user_id=exchange.user.id
    )
    if rating is None:
        await exchange.close_buttons()
    else:
        saved = exchange.t("mood.saved", variant=rating.id or 0, value=rating.value)
        await exchange.say(saved, in_place=True)
        await _offer_next_step(exchange, rating.value, rating.id)
    return FINISHED


async def _save(exchange: Exchange, value: int, note: str | None) -> str:
    assert exchange.user.id is not None
    rating = await crud.add_rating(
        exchange.session,
        user_id=exchange.user.id,
        value=value,
        kind=RatingKind.QUICK,
        now=exchange.now,
        note=note,
    )
    await exchange.say(exchange.t("mood.saved", value=value))
    await _offer_next_step(exchange, value, rating.id if rating else None)
    return UNCHANGED


async def _offer_next_step(exchange: Exchange, value: int, rating_id: int | None = None) -> None:
    """The one next step that fits this rating (if any), with no thanks."""
    tags = await crud.get_tags(exchange.session, rating_id=rating_id) if rating_id else set()
    await offer_next_step(
        exchange, tags=tags, mood=value, break_key="mood.low_offer", variant=rating_id or 0
    )


async def resend(exchange: Exchange, state: str) -> None:
    """Show a step of the rating again with its buttons."""
    if state == MoodState.RATING:
        await exchange.say(*_ask(exchange))
    elif state == MoodState.TAGS:
        chosen = await crud.get_tags(exchange.session, rating_id=exchange.ref)
        await exchange.say(
            exchange.t("checkin.ask_tags"),
            keyboards.feeling_tags(exchange.ref, chosen, exchange.language, Prefix.MOOD),
        )
    else:
        await _ask_note(exchange)


async def _ask_note(exchange: Exchange) -> None:
    await exchange.say(
        exchange.t("mood.ask_note"),
        keyboards.skip_or_stop(Prefix.MOOD, exchange.ref, exchange.language, stop=False),
    )


def build_flow() -> FlowSpec:
    """The quick-rating conversation."""
    return FlowSpec(
        name="mood",
        prefix=Prefix.MOOD,
        commands={"mood": ask_mood},
        buttons={"start": ask_mood},
        steps={
            MoodState.RATING: Step(
                buttons={"rate": rating_button}, on_text=rating_text, reminder="flow.pick_number"
            ),
            MoodState.TAGS: Step(buttons={"tag": tag, "done": tags_done}, on_text=note),
            MoodState.NOTE: Step(buttons={"skip": skip_note}, on_text=note),
        },
        record=MoodRating,  # the rating just given, once there is one
        resend=resend,
    )
