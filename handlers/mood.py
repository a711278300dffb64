"""/mood: a quick mood rating, 0–10, with an optional note."""

from __future__ import annotations

from enum import StrEnum

from bot.core.choices import FEELING_TAGS
from bot.flow import END, KEEP, FlowSpec, Step, Turn
from bot.storage import crud
from bot.storage.models import RatingKind
from bot.ui import keyboards
from bot.ui.callbacks import Flow
from handlers.common import mood_from_button, mood_from_text, parse_mood


class MoodState(StrEnum):
    """The steps of a quick rating."""

    RATING = "rating"
    TAGS = "tags"
    NOTE = "note"


async def ask_mood(turn: Turn) -> str:
    """/mood (or the menu button): ask for a rating; "/mood 6 tired" saves at once."""
    note = " ".join(turn.args[1:]) or None
    if turn.args:
        value = parse_mood(turn.args[0])
        if value is not None:
            turn.text = note
            return await _save(turn, value, note)
    off_scale = bool(turn.args) and turn.args[0].lstrip("-").isdigit()
    turn.ref = 0
    turn.hold_note = note if off_scale else " ".join(turn.args) or None
    said = [turn.t("mood.off_scale")] if off_scale else []
    if turn.hold_note:
        said.append(turn.t("mood.words_kept"))
    intro = " ".join(said) + "\n\n" if said else ""
    await turn.say(
        intro + turn.t("mood.ask", scale=turn.t("mood.scale")),
        keyboards.mood_scale(Flow.MOOD, "rate", 0, turn.language, skip=False),
    )
    return MoodState.RATING


async def rating_button(turn: Turn) -> str:
    """A 0–10 button: store it, then offer a note."""
    value = await mood_from_button(turn)
    return KEEP if value is None else await _rated(turn, value)


async def rating_text(turn: Turn) -> str:
    """A typed number."""
    value = await mood_from_text(turn)
    return KEEP if value is None else await _rated(turn, value)


async def _rated(turn: Turn, value: int) -> str:
    assert turn.user.id is not None
    held = turn.conversation.held_note if turn.conversation else None  # "/mood 12 great"
    rating = await crud.add_rating(
        turn.session,
        user_id=turn.user.id,
        value=value,
        kind=RatingKind.QUICK,
        now=turn.now,
        note=held,
    )
    assert rating is not None and rating.id is not None
    turn.ref = rating.id
    await turn.say(
        turn.t("checkin.ask_tags"),
        keyboards.feeling_tags(rating.id, set(), turn.language, Flow.MOOD),
    )
    return MoodState.TAGS


async def tag(turn: Turn) -> str:
    """Tick or untick a feeling of the rating just stored."""
    index = turn.callback.int_value(0, len(FEELING_TAGS) - 1) if turn.callback else None
    if index is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    chosen = await crud.toggle_tag(turn.session, rating_id=turn.ref, tag=FEELING_TAGS[index])
    await turn.edit_buttons(keyboards.feeling_tags(turn.ref, chosen, turn.language, Flow.MOOD))
    return KEEP


async def tags_done(turn: Turn) -> str:
    """Feelings chosen: show them, then offer a note."""
    chosen = await crud.get_tags(turn.session, rating_id=turn.ref)
    names = ", ".join(turn.t(f"tags.{tag}") for tag in FEELING_TAGS if tag in chosen)
    await turn.close_buttons(
        turn.t("checkin.tags_chosen", tags=names) if names else turn.t("checkin.no_tags")
    )
    await turn.say(
        turn.t("mood.ask_note"),
        keyboards.skip_or_stop(Flow.MOOD, turn.ref, turn.language, stop=False),
    )
    return MoodState.NOTE


async def note(turn: Turn) -> str:
    """The note: attach it to the rating just stored."""
    assert turn.user.id is not None
    rating = await crud.get_rating(turn.session, rating_id=turn.ref, user_id=turn.user.id)
    if rating is None:
        return END
    rating.note = turn.text
    turn.session.add(rating)
    await turn.say(turn.t("mood.saved_note"))
    await _maybe_offer_break(turn, rating.value)
    return END


async def skip_note(turn: Turn) -> str:
    """No note: done."""
    await turn.close_buttons()
    assert turn.user.id is not None
    rating = await crud.get_rating(turn.session, rating_id=turn.ref, user_id=turn.user.id)
    if rating is not None:
        await turn.say(turn.t("mood.saved", variant=rating.id or 0, value=rating.value))
        await _maybe_offer_break(turn, rating.value)
    return END


async def _save(turn: Turn, value: int, note: str | None) -> str:
    assert turn.user.id is not None
    await crud.add_rating(
        turn.session,
        user_id=turn.user.id,
        value=value,
        kind=RatingKind.QUICK,
        now=turn.now,
        note=note,
    )
    await turn.say(turn.t("mood.saved", value=value))
    await _maybe_offer_break(turn, value)
    return KEEP


async def _maybe_offer_break(turn: Turn, value: int) -> None:
    if value <= turn.context.services.settings.low_mood_threshold:
        await turn.say(turn.t("mood.low_offer"), keyboards.offer_break(turn.language))


def build_flow() -> FlowSpec:
    """The quick-rating conversation."""
    return FlowSpec(
        name="mood",
        prefix=Flow.MOOD,
        commands={"mood": ask_mood},
        buttons={"start": ask_mood},
        steps={
            MoodState.RATING: Step(
                buttons={"rate": rating_button}, on_text=rating_text, reminder="flow.pick_number"
            ),
            MoodState.TAGS: Step(buttons={"tag": tag, "done": tags_done}, on_text=note),
            MoodState.NOTE: Step(buttons={"skip": skip_note}, on_text=note),
        },
    )
