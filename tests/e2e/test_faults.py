"""Telegram faults in the middle of flows: nothing lost, nothing doubled, nobody stranded."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import time
from typing import Any

import pytest
from sqlmodel import col, select

from bot.core.log_ids import log_id
from bot.emulator import BotApiEmulator, BotMessage
from bot.storage import crud
from bot.storage.models import (
    Break,
    BreakStatus,
    Delivery,
    DeliveryStatus,
    MoodRating,
    RatingTag,
    SafetyPlan,
    User,
)
from bot.storage.practice_models import GratitudeEntry, PracticeAnswer, PracticeSession
from tests.e2e.test_checkins import pending_checkin, set_schedule
from tests.support.driver import Driver
from tests.support.harness import Harness, onboard

USER = 11_011
SORRY = "Something went wrong"
HERE_AGAIN = "Here's where we were"
NEED = "need to hear"
BLOCKED = "Forbidden: bot was blocked by the user"

Fault = Callable[[BotApiEmulator], None]

# passing faults on the next message to the person: each is met by trying again
PASSING: dict[str, Fault] = {
    "500": lambda e: e.fail_next(
        "sendMessage", chat_id=USER, error_code=500, description="Internal Server Error"
    ),
    "502 twice": lambda e: e.fail_next(
        "sendMessage", chat_id=USER, error_code=502, description="Bad Gateway", times=2
    ),
    "dropped before": lambda e: e.network_fail_next("sendMessage"),
    "dropped after": lambda e: e.network_fail_next("sendMessage", after_processing=True),
    # longer than the bot waits for an answer (5 s): it tries again, and the first arrives late
    "timed out": lambda e: e.slow_next("sendMessage", 6.0),
    # three 429s: the rate limiter's two retries and one more
    "429 beyond the limiter": lambda e: e.fail_next(
        "sendMessage",
        chat_id=USER,
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        times=3,
    ),
}


def lasting(emulator: BotApiEmulator) -> None:
    """A fault that outlasts the retries: three 500s on the next message."""
    emulator.fail_next(
        "sendMessage", chat_id=USER, error_code=500, description="Internal Server Error", times=3
    )


def answers_to(h: Harness, query: str) -> int:
    """How many times the bot answered button press ``query``."""
    return sum(
        1
        for r in h.emulator.requests
        if r.method == "answerCallbackQuery" and r.params.get("callback_query_id") == query
    )


def labels(message: BotMessage) -> list[str]:
    return [label for label, _ in message.buttons()]


async def _breaks(h: Harness) -> list[Break]:
    async with h.session() as session:
        return list((await session.exec(select(Break).order_by(col(Break.id)))).all())


async def _to_kindness_step(h: Harness) -> BotMessage:
    """Onboarded, /break, a rating, the difficulty and steps 1 and 2 (each moved on in place):
    at step 3, whose Next sends the question of what they need to hear. Returns the
    difficulty question."""
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    (ask,) = await h.tap(USER, "3")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "A hard talk with my manager")
    _thanks, step1 = await h.replies(USER, 2, after=mark)
    assert "Next →" in labels(step1)
    await h.tap_in_place(USER, "Next")
    step3 = await h.tap_in_place(USER, "Next")
    assert "Kindness" in step3.text and "Next →" in labels(step3)
    return ask


async def _finish_break(h: Harness, *, nexts: int) -> None:
    for _ in range(nexts):
        await h.tap(USER, "Next", expect=1)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "You are doing your best")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "6")
    (row,) = await _breaks(h)
    assert (row.status, row.mood_before, row.mood_after) == (BreakStatus.COMPLETED, 3, 6)
    assert (row.difficulty, row.need) == ("A hard talk with my manager", "You are doing your best")


@pytest.mark.parametrize("fault", list(PASSING))
async def test_a_passing_fault_is_met_by_trying_again(harness: Harness, fault: str) -> None:
    h = harness
    await _to_kindness_step(h)
    PASSING[fault](h.emulator)
    mark = h.emulator.mark(USER)
    query = h.emulator.press(USER, "Next")
    await h.emulator.wait_callback_answered(query)
    late = 2 if fault == "timed out" else 1  # the slow copy arrives after the retried one
    (step2, *_copies) = await h.replies(USER, late, after=mark, timeout=10.0)
    await h.settled(timeout=10.0)
    assert NEED in step2.text and "Skip" in labels(step2)
    assert all(SORRY not in (m.text or "") for m in h.emulator.chat_messages(USER))
    assert answers_to(h, query) == 1
    await _finish_break(h, nexts=0)


async def test_a_lasting_fault_says_sorry_and_the_next_word_shows_the_step(
    harness: Harness,
) -> None:
    h = harness
    await _to_kindness_step(h)
    lasting(h.emulator)
    mark = h.emulator.mark(USER)
    query = h.emulator.press(USER, "Next")
    await h.emulator.wait_callback_answered(query)
    (sorry,) = await h.replies(USER, 1, after=mark)
    await h.settled()
    assert SORRY in sorry.text and "where we were" in sorry.text
    assert answers_to(h, query) == 1  # the button is answered once, before the sends
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "hello?")
    again, step2 = await h.replies(USER, 2, after=mark)
    assert HERE_AGAIN in again.text
    assert NEED in step2.text and "Skip" in labels(step2)
    await _finish_break(h, nexts=0)


async def test_a_tap_on_an_older_button_shows_the_step_that_failed(harness: Harness) -> None:
    h = harness
    ask = await _to_kindness_step(h)
    lasting(h.emulator)
    await h.tap(USER, "Next")  # the apology only
    # the difficulty question still has its buttons: a tap there shows where they are
    mark = h.emulator.mark(USER)
    query = h.emulator.press_button(USER, ask.message_id, dict(ask.buttons())["Skip"])
    await h.emulator.wait_callback_answered(query)
    again, step2 = await h.replies(USER, 2, after=mark)
    assert HERE_AGAIN in (again.text or "") and NEED in (step2.text or "")
    (old,) = [m for m in h.emulator.chat_messages(USER) if m.message_id == ask.message_id]
    assert old.buttons() == []  # the tapped message's buttons are taken away
    await _finish_break(h, nexts=0)


async def test_a_step_that_fails_is_answered_once_and_the_person_told(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/mood")
    real = crud.add_rating
    failures = [RuntimeError("the database went away")]

    async def flaky(*args: object, **kwargs: object) -> MoodRating | None:
        if failures:
            raise failures.pop()
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(crud, "add_rating", flaky)
    mark = h.emulator.mark(USER)
    query = h.emulator.press(USER, "8")
    await h.emulator.wait_callback_answered(query)
    (sorry,) = await h.replies(USER, 1, after=mark)
    await h.settled()
    assert sorry.text.startswith(SORRY)
    assert answers_to(h, query) == 1
    # nothing was stored, and the scale is still there: the same tap works now
    (tags,) = await h.tap(USER, "8")
    assert "fit how you feel" in tags.text
    async with h.session() as session:
        assert [r.value for r in (await session.exec(select(MoodRating))).all()] == [8]


async def test_blocking_mid_reply_stops_sending_without_an_error(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await _to_kindness_step(h)
    await set_schedule(h, USER, [time(9, 0)])
    h.emulator.fail_next("sendMessage", chat_id=USER, error_code=403, description=BLOCKED, times=9)
    before = len(h.emulator.requests)
    with caplog.at_level(logging.INFO):
        query = h.emulator.press(USER, "Next")
        await h.emulator.wait_callback_answered(query)
        await h.settled()
    sends = [r for r in h.emulator.requests[before:] if r.method == "sendMessage" and r.params]
    assert len(sends) == 1 and sends[0].error_code == 403  # no retry, no apology
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    secret = h.settings.log_secret
    (line,) = [r.getMessage() for r in caplog.records if "blocked the bot" in r.getMessage()]
    assert log_id(USER, secret) in line and str(USER) not in line
    async with h.session() as session:
        (user,) = (await session.exec(select(User).where(User.telegram_id == USER))).all()
        pending = (
            await session.exec(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING))
        ).all()
    assert not user.active and list(pending) == []


# ------------------------------------------------------------------ a fault in every main flow

CRITIC = "You should have prepared more for that meeting"
KIND = "You are learning, and you care a lot."


async def _rows(h: Harness, model: type[Any]) -> list[Any]:
    async with h.session() as session:
        return list((await session.exec(select(model))).all())


async def _break_kept(h: Harness) -> None:
    (row,) = await _breaks(h)
    assert (row.status, row.mood_before, row.mood_after) == (BreakStatus.COMPLETED, 3, 6)
    assert (row.difficulty, row.need) == ("a hard talk", "you are doing your best")
    assert sorted(r.kind for r in await _rows(h, MoodRating)) == ["break_after", "break_before"]


async def _rating_kept(h: Harness, kind: str, value: int, note: str) -> None:
    (rating,) = await _rows(h, MoodRating)
    assert (rating.kind, rating.value, rating.note) == (kind, value, note)
    assert [t.tag for t in await _rows(h, RatingTag)] == ["tired"]


async def _mood_kept(h: Harness) -> None:
    await _rating_kept(h, "quick", 8, "sunny walk")


async def _checkin_kept(h: Harness) -> None:
    await _rating_kept(h, "checkin", 3, "long day")


async def _critic_kept(h: Harness) -> None:
    (row,) = await _rows(h, PracticeSession)
    assert (row.kind, row.status, row.mood_before, row.mood_after) == ("critic", "completed", 3, 5)
    answers = {a.step: a.text for a in await _rows(h, PracticeAnswer)}
    assert answers == {"says": CRITIC, "tone": "the drill sergeant", "reply": KIND}


async def _gratitude_kept(h: Harness) -> None:
    assert sorted(e.text for e in await _rows(h, GratitudeEntry)) == ["rest", "sun", "tea"]


async def _plan_kept(h: Harness) -> None:
    (plan,) = await _rows(h, SafetyPlan)
    assert (plan.warning_signs, plan.reasons, plan.people) == ("not sleeping", "my niece", None)


# each flow: its script ("> label" taps, anything else is sent), where the fault falls,
# and what must be stored once it is done
FLOWS: dict[str, tuple[list[str], int, Callable[[Harness], Awaitable[None]]]] = {
    "break": (
        ["/break", "> 3", "a hard talk", *["> Next"] * 3, "you are doing your best", "> 6"],
        6,
        _break_kept,
    ),
    "mood": (["/mood", "> 8", "> tired", "> Done", "sunny walk"], 1, _mood_kept),
    "checkin": (["> 3", "> tired", "> Done", "long day"], 2, _checkin_kept),
    "critic": (
        ["/critic", "> 3", CRITIC, "the drill sergeant", "> Skip", KIND, "> 5"],
        2,
        _critic_kept,
    ),
    "gratitude": (["/gratitude", "tea", "sun", "rest"], 2, _gratitude_kept),
    "safety plan": (
        ["/safetyplan", "not sleeping", *["> Skip"] * 5, "my niece"],
        3,
        _plan_kept,
    ),
}
FAULTS: dict[str, Fault] = {"lasting": lasting, "dropped after": PASSING["dropped after"]}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("flow", list(FLOWS))
async def test_a_fault_in_a_flow_loses_nothing_and_doubles_nothing(
    harness: Harness, flow: str, fault: str
) -> None:
    h = harness
    script, at, kept = FLOWS[flow]
    driver = Driver(h)
    await driver.settle()  # the barrier person is ready before any fault is queued
    await onboard(h, USER)
    if flow == "checkin":
        await set_schedule(h, USER, [time(9, 0)])
        due = await pending_checkin(h)
        assert due is not None
        h.clock.set(due.due_at)
        await h.dispatch()
    for index, step in enumerate(script):
        if index == at:
            FAULTS[fault](h.emulator)
        mark = h.emulator.mark(USER)
        await driver.run(USER, [step])
        if index == at and fault == "lasting":
            (sorry,) = await h.replies(USER, 1, after=mark)
            assert (sorry.text or "").startswith(SORRY)
            await driver.say(USER, "hello?")  # what someone who sees no question might send
            assert HERE_AGAIN in (h.emulator.chat_messages(USER)[-2].text or "")
    await kept(h)


async def test_a_step_shown_in_place_whose_answer_was_lost_is_not_shown_twice(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "3")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "A hard talk with my manager")
    await h.replies(USER, 2, after=mark)
    # Next edits step 1 into step 2; the edit arrives but its answer is lost, so it is tried again
    h.emulator.network_fail_next("editMessageText", after_processing=True)
    step2 = await h.tap_in_place(USER, "Next")
    assert "not alone" in step2.text and "Next →" in labels(step2)
    assert [m for m in h.emulator.chat_messages(USER) if "not alone" in (m.text or "")] == [step2]
    assert all(SORRY not in (m.text or "") for m in h.emulator.chat_messages(USER))
    await h.tap_in_place(USER, "Next")  # step 3
    await _finish_break(h, nexts=1)
