"""Scheduled check-ins end to end: on time in the person's zone, once per slot, never lost."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, time

import pytest
from sqlmodel import col, select

from bot.core.delivery_rules import mask_from_weekdays
from bot.delivery.planning import plan_user
from bot.storage.models import (
    CheckinSchedule,
    CheckinTime,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    MoodRating,
    RatingTag,
    User,
)
from tests.support.harness import Harness, onboard

USER = 4004


async def set_schedule(
    h: Harness,
    user_id: int,
    times: Sequence[time],
    *,
    weekdays: Sequence[int] = range(7),
    quiet: tuple[time, time] | None = None,
    paused_until: datetime | None = None,
    summary: bool = False,
) -> None:
    """Store a check-in schedule for a person and plan it, as the settings flow does."""
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == user_id))).one()
        assert user.id is not None
        session.add(
            CheckinSchedule(
                user_id=user.id,
                enabled=True,
                weekdays=mask_from_weekdays(list(weekdays)),
                quiet_start=quiet[0] if quiet else None,
                quiet_end=quiet[1] if quiet else None,
                paused=paused_until is not None,
                paused_until=paused_until,
                summary_enabled=summary,
                updated_at=h.clock.now(),
            )
        )
        for at in times:
            session.add(CheckinTime(user_id=user.id, at=at))
        await session.flush()
        await plan_user(session, user=user, after=h.clock.now())
        await session.commit()


async def pending_checkin(h: Harness) -> Delivery | None:
    async with h.session() as session:
        result = await session.exec(
            select(Delivery)
            .where(Delivery.kind == DeliveryKind.CHECKIN, Delivery.status == DeliveryStatus.PENDING)
            .order_by(col(Delivery.due_at))
        )
        return result.first()


async def deliveries(h: Harness) -> list[Delivery]:
    async with h.session() as session:
        result = await session.exec(
            select(Delivery).where(Delivery.kind == DeliveryKind.CHECKIN).order_by(col(Delivery.id))
        )
        return list(result.all())


def prompt_messages(h: Harness, chat_id: int = USER) -> list[int]:
    """Check-in prompts the person actually received."""
    return [
        r.params["chat_id"]  # type: ignore[misc]
        for r in h.emulator.requests
        if r.method == "sendMessage"
        and r.response_ok
        and r.params.get("chat_id") == chat_id
        and any(
            b.get("callback_data", "").startswith("c:rate:")
            for row in r.params.get("reply_markup", {}).get("inline_keyboard", [])  # type: ignore[union-attr]
            for b in row
        )
    ]


async def run_slots(h: Harness, count: int) -> list[datetime]:
    """Jump to each next pending check-in, run the job, and return the instants prompts went out."""
    fired: list[datetime] = []
    for _ in range(count):
        pending = await pending_checkin(h)
        assert pending is not None
        h.clock.set(pending.due_at)
        before = len(prompt_messages(h))
        await h.dispatch()
        await h.dispatch()  # a second run at the same instant sends nothing more
        assert len(prompt_messages(h)) == before + 1
        fired.append(pending.due_at)
    return fired


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def monday_nine_in_berlin(h: Harness) -> None:
    """Monday 23 November, 07:00 in Berlin: a person with one daily check-in at 09:00."""
    h.clock.set(utc(2026, 11, 23, 6, 0))
    await onboard(h, USER, zone_label="Berlin")
    await set_schedule(h, USER, [time(9, 0)])


async def test_daily_checkins_across_spring_forward(harness: Harness) -> None:
    h = harness
    h.clock.set(utc(2026, 3, 27, 12, 0))
    await onboard(h, USER, zone_label="Berlin")
    await set_schedule(h, USER, [time(2, 30), time(8, 0)])
    fired = await run_slots(h, 6)
    assert fired == [
        utc(2026, 3, 28, 1, 30),  # 02:30 CET
        utc(2026, 3, 28, 7, 0),  # 08:00 CET
        utc(2026, 3, 29, 1, 30),  # 02:30 does not exist: sent once at 03:30 CEST
        utc(2026, 3, 29, 6, 0),  # 08:00 CEST
        utc(2026, 3, 30, 0, 30),  # 02:30 CEST
        utc(2026, 3, 30, 6, 0),
    ]


async def test_fall_back_sends_the_repeated_hour_once(harness: Harness) -> None:
    h = harness
    h.clock.set(utc(2026, 10, 31, 12, 0))
    await onboard(h, USER, zone_label="New York")
    await set_schedule(h, USER, [time(1, 30)])
    fired = await run_slots(h, 3)
    # 01:30 happens twice on 1 November: the first one (EDT) is used, the repeat is not
    assert fired == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30), utc(2026, 11, 3, 6, 30)]
    h.clock.set(utc(2026, 11, 1, 6, 30))
    keys = [d.slot_key for d in await deliveries(h)]
    assert len(keys) == len(set(keys))
    assert keys.count("2026-11-01T01:30") == 1


async def test_quiet_hours_and_weekdays(harness: Harness) -> None:
    h = harness
    h.clock.set(utc(2026, 11, 20, 12, 0))  # a Friday
    await onboard(h, USER, zone_label="Berlin")
    await set_schedule(
        h, USER, [time(7, 0), time(12, 0)], weekdays=range(5), quiet=(time(22, 0), time(7, 30))
    )
    fired = await run_slots(h, 3)
    # 07:00 is in quiet hours; Saturday and Sunday are not chosen
    assert fired == [utc(2026, 11, 23, 11, 0), utc(2026, 11, 24, 11, 0), utc(2026, 11, 25, 11, 0)]


async def test_pause_skips_until_it_ends(harness: Harness) -> None:
    h = harness
    h.clock.set(utc(2026, 11, 23, 6, 0))
    await onboard(h, USER, zone_label="Berlin")
    await set_schedule(h, USER, [time(9, 0)], paused_until=utc(2026, 11, 25, 23, 0))
    pending = await pending_checkin(h)
    assert pending is not None and pending.due_at == utc(2026, 11, 26, 8, 0)


async def test_rating_tags_and_note_are_stored(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    await run_slots(h, 1)
    prompt = h.emulator.last_message(USER)
    assert prompt is not None and "Sam" in prompt.text
    h.clock.advance(hours=3)  # answered late: stored with the time it was answered
    (tags_msg,) = await h.tap(USER, "3")
    assert "fit how you feel" in tags_msg.text
    assert "Take a break 🌿" not in [label for label, _ in h.emulator.buttons(tags_msg)]
    await h.tap(USER, "anxious", expect=0)
    await h.tap(USER, "tired", expect=0)
    await h.tap(USER, "anxious", expect=0)  # untick
    await h.tap(USER, "sad", expect=0)
    labels = [label for label, _ in h.emulator.buttons(h.emulator.chat_messages(USER)[-1])]
    assert "✓ tired" in labels and "✓ sad" in labels and "anxious" in labels
    (ask_note,) = await h.tap(USER, "Done")
    assert "few words" in ask_note.text
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "long day at the clinic")
    reply, low = await h.replies(USER, 2, after=mark)
    assert "Saved" in reply.text
    assert "break" in low.text  # offered at the end, once, with a way to decline
    assert [label for label, _ in h.emulator.buttons(low)] == ["Take a break 🌿", "No thanks"]
    async with h.session() as session:
        (rating,) = (await session.exec(select(MoodRating))).all()
        tags = {t.tag for t in (await session.exec(select(RatingTag))).all()}
    assert (rating.value, rating.kind, rating.note) == (3, "checkin", "long day at the clinic")
    assert rating.rated_at == utc(2026, 11, 23, 11, 0)
    assert tags == {"tired", "sad"}
    # the old prompt's buttons do not store a second rating
    query = h.emulator.press_button(USER, prompt.message_id, dict(h.emulator.buttons(prompt))["7"])
    answer = await h.emulator.wait_callback_answered(query)
    assert "Already" in answer.get("text", "")


async def test_snooze_asks_again_once(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    await run_slots(h, 1)
    prompt = h.emulator.last_message(USER)
    assert prompt is not None
    data = dict(h.emulator.buttons(prompt))["In 30 min"]
    first = h.emulator.press_button(USER, prompt.message_id, data)
    second = h.emulator.press_button(USER, prompt.message_id, data)  # double tap
    await h.emulator.wait_callback_answered(first)
    await h.emulator.wait_callback_answered(second)
    snoozed = [d for d in await deliveries(h) if "~" in d.slot_key]
    assert len(snoozed) == 1 and snoozed[0].due_at == utc(2026, 11, 23, 8, 30)
    assert "08:30" not in (h.emulator.chat_messages(USER)[-1].text or "")
    assert "09:30" in h.emulator.chat_messages(USER)[-1].text
    h.clock.set(utc(2026, 11, 23, 8, 30))
    await h.dispatch()
    await h.dispatch()
    assert len(prompt_messages(h)) == 2
    await h.tap(USER, "8")
    async with h.session() as session:
        assert [r.value for r in (await session.exec(select(MoodRating))).all()] == [8]


async def test_not_now_stores_nothing(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    await run_slots(h, 1)
    await h.tap(USER, "Not now", expect=0)
    assert "Take care" in h.emulator.chat_messages(USER)[-1].text
    async with h.session() as session:
        assert (await session.exec(select(MoodRating))).all() == []


@pytest.mark.parametrize(("late_minutes", "sent"), [(10, True), (45, False)])
async def test_restart_after_downtime_uses_the_grace_window(
    harness: Harness, late_minutes: int, sent: bool
) -> None:
    h = harness
    h.clock.set(utc(2026, 11, 23, 6, 0))
    await onboard(h, USER, zone_label="Berlin")
    await set_schedule(h, USER, [time(9, 0), time(20, 0)])
    await h.stop()  # the bot is down at 09:00
    h.clock.set(utc(2026, 11, 23, 8, late_minutes))
    await h.start()
    await h.dispatch()
    await h.dispatch()
    assert len(prompt_messages(h)) == (1 if sent else 0)
    first = (await deliveries(h))[0]
    assert first.status == (DeliveryStatus.SENT if sent else DeliveryStatus.SKIPPED)
    pending = await pending_checkin(h)
    assert pending is not None and pending.due_at == utc(2026, 11, 23, 19, 0)  # nothing lost after


async def test_two_instances_send_each_slot_once(harness: Harness) -> None:
    h = harness
    h.clock.set(utc(2026, 11, 23, 6, 0))
    users = [5000 + i for i in range(40)]
    for user_id in users:
        await onboard(h, user_id, zone_label="Berlin")
        await set_schedule(h, user_id, [time(9, 0)])
    second = await h.start(instance="test-2", poll=False)
    first = h.apps[0]
    h.clock.set(utc(2026, 11, 23, 8, 0))
    await asyncio.gather(
        h.dispatch(first), h.dispatch(second), h.dispatch(first), h.dispatch(second)
    )
    for user_id in users:
        assert len(prompt_messages(h, user_id)) == 1, user_id
    sent = [d for d in await deliveries(h) if d.status == DeliveryStatus.SENT]
    assert len(sent) == len(users)
    assert {d.claimed_by for d in sent} <= {"test-1", "test-2"}


async def test_blocked_user_is_marked_inactive_until_they_return(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    h.emulator.fail_next(
        "sendMessage",
        chat_id=USER,
        error_code=403,
        description="Forbidden: bot was blocked by the user",
    )
    h.clock.set(utc(2026, 11, 23, 8, 0))
    await h.dispatch()
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == USER))).one()
    assert not user.active
    assert (await deliveries(h))[0].status == DeliveryStatus.FAILED
    assert await pending_checkin(h) is None  # no more check-ins
    h.clock.set(utc(2026, 11, 24, 8, 0))
    await h.dispatch()
    assert prompt_messages(h) == []
    await h.say(USER, "/help")  # they come back
    pending = await pending_checkin(h)
    assert pending is not None and pending.due_at == utc(2026, 11, 25, 8, 0)


async def test_429_is_waited_out_and_sent_once(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    h.emulator.fail_next(
        "sendMessage",
        chat_id=USER,
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
    )
    h.clock.set(utc(2026, 11, 23, 8, 0))
    await h.dispatch()
    assert len(prompt_messages(h)) == 1
    statuses = [
        r.response_ok
        for r in h.emulator.requests
        if r.method == "sendMessage" and r.params.get("chat_id") == USER
    ]
    assert statuses[-2:] == [False, True]


async def test_429_beyond_the_limiter_retries_at_retry_after(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    h.emulator.fail_next(
        "sendMessage",
        chat_id=USER,
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        times=3,
    )
    h.clock.set(utc(2026, 11, 23, 8, 0))
    await h.dispatch()
    assert prompt_messages(h) == []
    (first,) = await deliveries(h)
    assert first.status == DeliveryStatus.PENDING and first.next_attempt_at == utc(
        2026, 11, 23, 8, 0, 1
    )
    h.clock.advance(seconds=1)
    await h.dispatch()
    assert len(prompt_messages(h)) == 1


async def test_server_errors_are_retried_with_backoff(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    h.emulator.fail_next(
        "sendMessage", chat_id=USER, error_code=500, description="Internal Server Error", times=2
    )
    h.clock.set(utc(2026, 11, 23, 8, 0))
    await h.dispatch()
    (first,) = await deliveries(h)
    assert first.status == DeliveryStatus.PENDING and first.next_attempt_at == utc(
        2026, 11, 23, 8, 0, 5
    )
    await h.dispatch()  # not yet due again
    h.clock.advance(seconds=5)
    await h.dispatch()  # second failure: back-off doubles
    (first,) = await deliveries(h)
    assert first.next_attempt_at == utc(2026, 11, 23, 8, 0, 15)
    h.clock.advance(seconds=10)
    await h.dispatch()
    assert len(prompt_messages(h)) == 1
    assert (await deliveries(h))[0].status == DeliveryStatus.SENT


async def test_lost_answer_is_never_resent(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    h.emulator.network_fail_next("sendMessage", after_processing=True)
    h.clock.set(utc(2026, 11, 23, 8, 0))
    await h.dispatch()
    h.clock.advance(minutes=1)
    await h.dispatch()
    # delivered once, although the bot never heard back
    shown = [
        m
        for m in h.emulator.chat_messages(USER)
        if any(data.startswith("c:rate:") for _, data in h.emulator.buttons(m))
    ]
    assert len(shown) == 1
    first = (await deliveries(h))[0]
    assert first.status == DeliveryStatus.UNCERTAIN
    pending = await pending_checkin(h)
    assert pending is not None and pending.due_at == utc(2026, 11, 24, 8, 0)


async def test_zone_change_mid_week_neither_duplicates_nor_drops(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    await run_slots(h, 1)  # 09:00 Berlin on Monday is sent (08:00 UTC)
    h.clock.set(utc(2026, 11, 23, 9, 0))
    await h.say(USER, "/timezone")
    await h.say(USER, "London")  # it is 09:00 in London now: today's 09:00 was already sent
    pending = await pending_checkin(h)
    assert pending is not None
    assert pending.slot_key == "2026-11-24T09:00" and pending.due_at == utc(2026, 11, 24, 9, 0)


async def test_after_downtime_a_late_summary_is_still_sent_but_a_late_checkin_is_not(
    harness: Harness,
) -> None:
    h = harness
    h.clock.set(utc(2026, 11, 27, 12, 0))  # a Friday
    await onboard(h, USER, zone_label="Berlin")
    await set_schedule(h, USER, [time(18, 0)], summary=True)  # Sunday 18:00: both are due
    await h.stop()
    h.clock.set(utc(2026, 11, 29, 19, 0))  # back two hours after Sunday 18:00 Berlin
    await h.start()
    await h.dispatch()
    async with h.session() as session:
        rows = (await session.exec(select(Delivery).order_by(col(Delivery.id)))).all()
    by_kind = {(d.kind, d.slot_key): d.status for d in rows}
    assert by_kind[(DeliveryKind.SUMMARY, "2026-11-29T18:00")] == DeliveryStatus.SENT
    # the check-in missed on Friday is skipped, not sent late; the next one is Monday's
    assert by_kind[(DeliveryKind.CHECKIN, "2026-11-27T18:00")] == DeliveryStatus.SKIPPED
    assert by_kind[(DeliveryKind.CHECKIN, "2026-11-30T18:00")] == DeliveryStatus.PENDING
    assert prompt_messages(h) == []
