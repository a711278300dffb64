"""Answers to scheduled check-in prompts: rating, feeling tags, note, snooze, not now."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from telegram import Bot

from bot.core.choices import FEELING_TAGS, SNOOZE_MINUTES
from bot.core.timezones import UTC_ZONE, local_now_label
from bot.flow import END, KEEP, FlowSpec, Step, Turn
from bot.storage import crud
from bot.storage.deliveries import SNOOZE_MARK, Claimed
from bot.storage.models import Delivery, DeliveryKind, DeliveryStatus, MoodRating, RatingKind
from bot.ui import keyboards
from bot.ui.callbacks import Flow
from bot.ui.texts import t


class CheckinState(StrEnum):
    """After the tags: the optional note."""

    NOTE = "note"


async def _delivery(turn: Turn) -> Delivery | None:
    assert turn.user.id is not None
    return await crud.get_delivery(
        turn.session, delivery_id=turn.ref, user_id=turn.user.id, kind=DeliveryKind.CHECKIN
    )


async def _rating(turn: Turn) -> MoodRating | None:
    assert turn.user.id is not None
    rating = await crud.get_rating(turn.session, rating_id=turn.ref, user_id=turn.user.id)
    return rating if rating is not None and rating.kind == RatingKind.CHECKIN else None


def _busy_elsewhere(turn: Turn) -> bool:
    """True while another flow (say, a break) is under way: check-ins never interrupt it."""
    return turn.conversation is not None and turn.conversation.flow != CHECKIN_FLOW_NAME


def _is_low(turn: Turn, value: int) -> bool:
    return value <= turn.context.services.settings.low_mood_threshold


async def rate(turn: Turn) -> str:
    """A number on a check-in prompt, whenever it is tapped: stored once, then feelings."""
    assert turn.callback is not None and turn.user.id is not None
    value = turn.callback.int_value(0, 10)
    delivery = await _delivery(turn)
    if value is None or delivery is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    if delivery.rating_id is not None:
        await turn.toast(turn.t("checkin.already"))
        return KEEP
    rating = await crud.add_rating(
        turn.session, user_id=turn.user.id, value=value, kind=RatingKind.CHECKIN, now=turn.now
    )
    assert rating is not None and rating.id is not None
    delivery.rating_id = rating.id
    turn.session.add(delivery)
    await turn.close_buttons(turn.t("mood.chosen", value=value))
    await turn.say(
        turn.t("checkin.ask_tags"), keyboards.feeling_tags(rating.id, set(), turn.language)
    )
    turn.ref = rating.id
    return KEEP if _busy_elsewhere(turn) else CheckinState.NOTE


async def tag(turn: Turn) -> str:
    """Tick or untick a feeling."""
    assert turn.callback is not None
    index = turn.callback.int_value(0, len(FEELING_TAGS) - 1)
    rating = await _rating(turn)
    if index is None or rating is None or rating.id is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    chosen = await crud.toggle_tag(turn.session, rating_id=rating.id, tag=FEELING_TAGS[index])
    await turn.edit_buttons(keyboards.feeling_tags(rating.id, chosen, turn.language))
    return KEEP


async def done(turn: Turn) -> str:
    """Feelings chosen: show them, then offer a note."""
    rating = await _rating(turn)
    if rating is None or rating.id is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    chosen = await crud.get_tags(turn.session, rating_id=rating.id)
    names = ", ".join(turn.t(f"tags.{tag}") for tag in FEELING_TAGS if tag in chosen)
    await turn.close_buttons(
        turn.t("checkin.tags_chosen", tags=names) if names else turn.t("checkin.no_tags")
    )
    if _busy_elsewhere(turn):
        await turn.say(turn.t("checkin.thanks", variant=rating.id))
        await _offer_break_if_low(turn, rating)
        return KEEP
    await turn.say(
        turn.t("checkin.ask_note"),
        keyboards.skip_or_stop(Flow.CHECKIN, rating.id, turn.language, stop=False),
    )
    turn.ref = rating.id
    return CheckinState.NOTE


async def note(turn: Turn) -> str:
    """The note: attach it to the check-in rating."""
    rating = await _rating(turn)
    if rating is None:
        return END
    rating.note = turn.text
    turn.session.add(rating)
    await turn.say(turn.t("checkin.thanks_note"))
    await _offer_break_if_low(turn, rating)
    return END


async def skip_note(turn: Turn) -> str:
    """No note."""
    await turn.close_buttons()
    await turn.say(turn.t("checkin.thanks", variant=turn.ref))
    rating = await _rating(turn)
    if rating is not None:
        await _offer_break_if_low(turn, rating)
    return END


async def _offer_break_if_low(turn: Turn, rating: MoodRating) -> None:
    """At the end of a low check-in, once: a break, or no thanks."""
    if _is_low(turn, rating.value):
        await turn.say(turn.t("checkin.low_offer"), keyboards.offer_break(turn.language))


async def snooze(turn: Turn) -> str:
    """Ask again later: a new delivery for the same slot, once, whatever the taps."""
    assert turn.callback is not None and turn.user.id is not None
    minutes = turn.callback.int_value(1, 24 * 60)
    delivery = await _delivery(turn)
    if minutes not in SNOOZE_MINUTES or delivery is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    if delivery.status != DeliveryStatus.SENT or delivery.rating_id is not None:
        await turn.toast(turn.t("checkin.already"))
        return KEEP
    due = turn.now + timedelta(minutes=minutes)
    base, _, count = delivery.slot_key.partition(SNOOZE_MARK)
    turn.session.add(
        Delivery(
            user_id=turn.user.id,
            kind=DeliveryKind.CHECKIN,
            slot_key=f"{base}{SNOOZE_MARK}{int(count or 0) + 1}",
            due_at=due,
            next_attempt_at=due,
        )
    )
    delivery.status = DeliveryStatus.SNOOZED
    turn.session.add(delivery)
    await turn.close_buttons(
        turn.t("checkin.snoozed", local_time=local_now_label(due, turn.user.time_zone or UTC_ZONE))
    )
    return KEEP


async def not_now(turn: Turn) -> str:
    """'Not now': nothing stored, no pressure."""
    delivery = await _delivery(turn)
    if delivery is None:
        await turn.toast(turn.t("fallback.forged_button"))
        return KEEP
    if delivery.rating_id is not None or delivery.status != DeliveryStatus.SENT:
        await turn.toast(turn.t("checkin.already"))
        return KEEP
    delivery.detail = "not now"
    turn.session.add(delivery)
    await turn.close_buttons(turn.t("checkin.not_now"))
    return KEEP


async def send_prompt(bot: Bot, claimed: Claimed) -> int:
    """Send one check-in prompt; returns its message id."""
    message = await bot.send_message(
        chat_id=claimed.chat_id,
        text=t(
            "checkin.prompt",
            claimed.language,
            variant=claimed.id,
            name=claimed.first_name or "",
            scale=t("mood.scale", claimed.language),
        ),
        reply_markup=keyboards.checkin_prompt(claimed.id, claimed.language),
    )
    return message.message_id


CHECKIN_FLOW_NAME = "checkin"


def build_flow() -> FlowSpec:
    """Check-in answers: free buttons (they work whenever tapped) and the note step."""
    return FlowSpec(
        name=CHECKIN_FLOW_NAME,
        prefix=Flow.CHECKIN,
        buttons={"rate": rate, "snooze": snooze, "notnow": not_now, "tag": tag, "done": done},
        steps={CheckinState.NOTE: Step(buttons={"skip": skip_note}, on_text=note)},
    )
