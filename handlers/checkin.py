"""Answers to scheduled check-in prompts: rating, feeling tags, note, snooze, not now."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from telegram import Bot

from bot.core.choices import FEELING_TAGS, SNOOZE_MINUTES
from bot.core.timezones import UTC_ZONE, local_now_label
from bot.flow import FINISHED, UNCHANGED, Exchange, FlowSpec, Step
from bot.storage import crud, deliveries
from bot.storage.deliveries import ClaimedDelivery
from bot.storage.models import Delivery, DeliveryKind, DeliveryStatus, MoodRating, RatingKind
from bot.ui import keyboards
from bot.ui.callbacks import Prefix
from bot.ui.texts import t
from handlers.next_step import offer_next_step


class CheckinState(StrEnum):
    """After the tags: the optional note."""

    NOTE = "note"


async def _delivery(exchange: Exchange) -> Delivery | None:
    assert exchange.user.id is not None
    return await crud.get_delivery(
        exchange.session,
        delivery_id=exchange.ref,
        user_id=exchange.user.id,
        kind=DeliveryKind.CHECKIN,
    )


async def _rating(exchange: Exchange) -> MoodRating | None:
    assert exchange.user.id is not None
    rating = await crud.get_rating(
        exchange.session, rating_id=exchange.ref, user_id=exchange.user.id
    )
    return rating if rating is not None and rating.kind == RatingKind.CHECKIN else None


def _is_low(exchange: Exchange, value: int) -> bool:
    return value <= exchange.context.services.settings.low_mood_threshold


async def rate(exchange: Exchange) -> str:
    """A number on a check-in prompt, whenever it is tapped: stored once, then feelings."""
    assert exchange.callback is not None and exchange.user.id is not None
    value = exchange.callback.int_value(0, 10)
    delivery = await _delivery(exchange)
    if value is None or delivery is None:
        await exchange.refuse_button()
        return UNCHANGED
    if delivery.rating_id is not None:
        await exchange.toast(exchange.t("checkin.already"))
        return UNCHANGED
    rating = await crud.add_rating(
        exchange.session,
        user_id=exchange.user.id,
        value=value,
        kind=RatingKind.CHECKIN,
        now=exchange.now,
    )
    assert rating is not None and rating.id is not None
    delivery.rating_id = rating.id
    exchange.session.add(delivery)
    await exchange.close_buttons(exchange.t("mood.chosen", value=value))
    await exchange.say(
        exchange.t("checkin.ask_tags"), keyboards.feeling_tags(rating.id, set(), exchange.language)
    )
    exchange.ref = rating.id
    return UNCHANGED if exchange.in_other_flow(CHECKIN_FLOW_NAME) else CheckinState.NOTE


async def tag(exchange: Exchange) -> str:
    """Tick or untick a feeling."""
    assert exchange.callback is not None
    index = exchange.callback.int_value(0, len(FEELING_TAGS) - 1)
    rating = await _rating(exchange)
    if index is None or rating is None or rating.id is None:
        await exchange.refuse_button()
        return UNCHANGED
    chosen = await crud.toggle_tag(exchange.session, rating_id=rating.id, tag=FEELING_TAGS[index])
    await exchange.edit_buttons(keyboards.feeling_tags(rating.id, chosen, exchange.language))
    return UNCHANGED


async def done(exchange: Exchange) -> str:
    """Feelings chosen: show them, then offer a note."""
    rating = await _rating(exchange)
    if rating is None or rating.id is None:
        await exchange.refuse_button()
        return UNCHANGED
    chosen = await crud.get_tags(exchange.session, rating_id=rating.id)
    names = ", ".join(exchange.t(f"tags.{tag}") for tag in FEELING_TAGS if tag in chosen)
    await exchange.close_buttons(
        exchange.t("checkin.tags_chosen", tags=names) if names else exchange.t("checkin.no_tags")
    )
    if exchange.in_other_flow(CHECKIN_FLOW_NAME):
        await exchange.say(exchange.t("checkin.thanks", variant=rating.id))
        await _offer_next_step(exchange, rating)
        return UNCHANGED
    exchange.ref = rating.id
    await resend(exchange, CheckinState.NOTE)
    return CheckinState.NOTE


async def resend(exchange: Exchange, _state: str) -> None:
    """Ask for the note (the one step of a check-in answer) again, with its button."""
    await exchange.say(
        exchange.t("checkin.ask_note"),
        keyboards.skip_or_stop(Prefix.CHECKIN, exchange.ref, exchange.language, stop=False),
    )


async def note(exchange: Exchange) -> str:
    """The note: attach it to the check-in rating."""
    rating = await _rating(exchange)
    if rating is None:
        return FINISHED
    rating.note = exchange.text
    exchange.session.add(rating)
    await exchange.wrote("mood_ratings:note", rating.id)
    await exchange.say(exchange.t("checkin.thanks_note"))
    await _offer_next_step(exchange, rating)
    return FINISHED


async def skip_note(exchange: Exchange) -> str:
    """No note."""
    await exchange.close_buttons()
    await exchange.say(exchange.t("checkin.thanks", variant=exchange.ref))
    rating = await _rating(exchange)
    if rating is not None:
        await _offer_next_step(exchange, rating)
    return FINISHED


async def _offer_next_step(exchange: Exchange, rating: MoodRating) -> None:
    """At the end of a check-in, once: the one next step that fits (if any), or no thanks."""
    assert rating.id is not None
    tags = await crud.get_tags(exchange.session, rating_id=rating.id)
    await offer_next_step(
        exchange, tags=tags, mood=rating.value, break_key="checkin.low_offer", variant=rating.id
    )


async def snooze(exchange: Exchange) -> str:
    """Ask again later: a new delivery for the same slot, once, whatever the taps."""
    assert exchange.callback is not None and exchange.user.id is not None
    minutes = exchange.callback.int_value(1, 24 * 60)
    delivery = await _delivery(exchange)
    if minutes not in SNOOZE_MINUTES or delivery is None:
        await exchange.refuse_button()
        return UNCHANGED
    if delivery.status != DeliveryStatus.SENT or delivery.rating_id is not None:
        await exchange.toast(exchange.t("checkin.already"))
        return UNCHANGED
    due = exchange.now + timedelta(minutes=minutes)
    deliveries.snooze(exchange.session, delivery, due=due)
    await exchange.close_buttons(
        exchange.t(
            "checkin.snoozed", local_time=local_now_label(due, exchange.user.time_zone or UTC_ZONE)
        )
    )
    return UNCHANGED


async def not_now(exchange: Exchange) -> str:
    """'Not now': nothing stored, no pressure."""
    delivery = await _delivery(exchange)
    if delivery is None:
        await exchange.refuse_button()
        return UNCHANGED
    if delivery.rating_id is not None or delivery.status != DeliveryStatus.SENT:
        await exchange.toast(exchange.t("checkin.already"))
        return UNCHANGED
    delivery.detail = "not now"
    exchange.session.add(delivery)
    await exchange.close_buttons(exchange.t("checkin.not_now"))
    return UNCHANGED


async def send_prompt(bot: Bot, claimed: ClaimedDelivery, *, paid: bool = False) -> int:
    """Send one check-in prompt (as a paid broadcast when ``paid``); returns its message id."""
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
        allow_paid_broadcast=paid or None,
    )
    return message.message_id


CHECKIN_FLOW_NAME = "checkin"


def build_flow() -> FlowSpec:
    """Check-in answers: free buttons (they work whenever tapped) and the note step."""
    return FlowSpec(
        name=CHECKIN_FLOW_NAME,
        prefix=Prefix.CHECKIN,
        buttons={"rate": rate, "snooze": snooze, "notnow": not_now, "tag": tag, "done": done},
        steps={CheckinState.NOTE: Step(buttons={"skip": skip_note}, on_text=note)},
        record=MoodRating,  # the check-in's rating, which the note goes with
        resend=resend,
    )
