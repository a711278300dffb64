"""Paid broadcasts: with PAID_BROADCASTS set, check-ins go as Telegram's paid broadcasts
(allow_paid_broadcast), beyond the free 30 a second; answers to people never do."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from bot.emulator.records import RecordedRequest
from tests.e2e.test_checkins import pending_checkin, set_schedule
from tests.support.factories import create_ratings, local, user_by_telegram_id
from tests.support.harness import Harness, onboard

FIRST = 5100
PEOPLE = 45  # more than Telegram's free 30 messages in one second


def prompts(h: Harness) -> list[RecordedRequest]:
    """The check-in prompts the emulator was asked to send (answered or not)."""
    return [
        r
        for r in h.emulator.requests
        if r.method == "sendMessage" and "c:rate:" in str(r.params.get("reply_markup", ""))
    ]


def busiest_second(requests: list[RecordedRequest]) -> int:
    """The most of these requests received within any one second."""
    times = sorted(r.at.timestamp() for r in requests)
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def everyone_due(h: Harness, people: range) -> None:
    """Everyone onboarded with a check-in at 09:00 in Berlin; the clock at that minute."""
    h.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    for user_id in people:
        await onboard(h, user_id, zone_label="Berlin")
        await set_schedule(h, user_id, [time(9, 0)])
    due = await pending_checkin(h)
    assert due is not None
    h.clock.set(due.due_at)


async def test_check_ins_go_as_paid_broadcasts_beyond_the_free_limit(harness: Harness) -> None:
    h = harness
    h.settings = replace(h.settings, paid_broadcasts=True)
    await h.restart()
    people = range(FIRST, FIRST + PEOPLE)
    await everyone_due(h, people)
    h.emulator.limit_sends(30)  # Telegram's flood control; paid broadcasts have 1,000 a second
    await h.dispatch()
    sent = prompts(h)
    assert sorted(r.params["chat_id"] for r in sent) == list(people)  # type: ignore[type-var]
    assert all(r.response_ok and r.params.get("allow_paid_broadcast") is True for r in sent)
    # the bot's own budget rose with them: more than the free 30 went out within one second
    assert busiest_second(sent) > 30

    mark = len(h.emulator.requests)
    await h.tap(FIRST, "7", expect=1)  # an answer to a person is never a paid broadcast
    answers = h.emulator.requests[mark:]
    assert {r.method for r in answers} >= {"answerCallbackQuery", "sendMessage"}
    assert not any("allow_paid_broadcast" in r.params for r in answers)


async def test_without_the_setting_check_ins_keep_to_the_free_limit(harness: Harness) -> None:
    h = harness
    people = range(FIRST, FIRST + PEOPLE)
    await everyone_due(h, people)
    h.emulator.limit_sends(30)
    await h.dispatch()
    sent = prompts(h)
    assert sorted(r.params["chat_id"] for r in sent) == list(people)  # type: ignore[type-var]
    assert not any("allow_paid_broadcast" in r.params for r in sent)
    assert all(r.response_ok for r in sent)  # the budget kept under Telegram's limit
    assert busiest_second(sent) <= 30


async def test_weekly_summaries_go_as_paid_broadcasts_when_set(harness: Harness) -> None:
    h = harness  # Monday 23 November 2026
    h.settings = replace(h.settings, paid_broadcasts=True)
    await h.restart()
    await onboard(h, FIRST, zone_label="Berlin")
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=FIRST)
        assert user.id is not None
        # enough for a chart: four days of the week rated
        ratings = [
            (local(2026, 11, day, 10), value) for day, value in ((23, 5), (24, 3), (26, 7), (28, 8))
        ]
        await create_ratings(session, user_id=user.id, values=ratings)
        await session.commit()
    mark = len(h.emulator.requests)
    h.clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))  # Sunday 18:00 in Berlin
    await h.dispatch()
    (chart,) = [r for r in h.emulator.requests[mark:] if r.method == "sendPhoto"]
    assert chart.response_ok and chart.params["chat_id"] == FIRST
    assert chart.params.get("allow_paid_broadcast") is True
    (shown,) = [m for m in h.emulator.chat_messages(FIRST) if m.photo is not None]
    assert (shown.text or "").startswith("🌿 Your week")
