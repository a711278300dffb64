"""Answers to people are not queued behind a batch of scheduled check-ins."""

from __future__ import annotations

import asyncio
from datetime import time

from sqlmodel import col, select

from bot.core.delivery_rules import mask_from_weekdays
from bot.delivery.planning import plan_user
from bot.storage.models import CheckinSchedule, CheckinTime, Delivery, DeliveryStatus
from tests.support.factories import create_user
from tests.support.harness import Harness, onboard

SCHEDULED = 240  # 8 seconds of Telegram's 30 a second
FIRST_SCHEDULED = 610_000
TAPPING = [6101, 6102, 6103, 6104, 6105]


async def seed_due_checkins(h: Harness) -> None:
    """SCHEDULED people with a check-in at 12:00 Berlin time; the clock set to it."""
    async with h.session() as session:
        for n in range(SCHEDULED):
            h.emulator.add_user(FIRST_SCHEDULED + n)
            user = await create_user(session, telegram_id=FIRST_SCHEDULED + n, now=h.clock.now())
            assert user.id is not None
            session.add(
                CheckinSchedule(
                    user_id=user.id,
                    enabled=True,
                    weekdays=mask_from_weekdays(list(range(7))),
                    updated_at=h.clock.now(),
                )
            )
            session.add(CheckinTime(user_id=user.id, at=time(12, 0)))
            await session.flush()
            await plan_user(session, user=user, after=h.clock.now())
        await session.commit()
        due = (await session.exec(select(Delivery.due_at).order_by(col(Delivery.due_at)))).first()
    assert due is not None
    h.clock.set(due)


def prompts_sent(h: Harness) -> int:
    """Check-in prompts handed over to the scheduled people so far."""
    last = FIRST_SCHEDULED + SCHEDULED
    return sum(
        1
        for r in list(h.emulator.requests)
        if r.method == "sendMessage"
        and r.response_ok
        and FIRST_SCHEDULED <= int(str(r.params.get("chat_id"))) < last
    )


async def start_a_break(h: Harness, user_id: int) -> None:
    """/break, then a rating: each answered in full."""
    mark = h.emulator.mark(user_id)
    h.emulator.send_text(user_id, "/break")
    await h.replies(user_id, 2, after=mark)
    await h.tap(user_id, "5")


async def test_taps_are_answered_while_a_batch_of_checkins_goes_out(harness: Harness) -> None:
    h = harness
    for user_id in TAPPING:
        await onboard(h, user_id)
    await seed_due_checkins(h)
    batch = asyncio.create_task(h.dispatch())
    await h.emulator.wait_for(lambda: prompts_sent(h) > 0, timeout=10)

    await asyncio.gather(*(start_a_break(h, user_id) for user_id in TAPPING))
    # everyone was answered while most of the batch was still waiting for the send budget
    assert not batch.done()
    assert prompts_sent(h) < SCHEDULED * 2 // 3

    await asyncio.wait_for(batch, timeout=60)
    # on a busy machine a few connections may be refused and retried a little later
    h.clock.advance(minutes=1)
    await h.dispatch()
    assert prompts_sent(h) == SCHEDULED  # each exactly once
    async with h.session() as session:
        sent = await session.exec(select(Delivery).where(Delivery.status == DeliveryStatus.SENT))
        assert len(sent.all()) == SCHEDULED
