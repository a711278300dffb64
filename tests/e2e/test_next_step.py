"""One fitting next step after a check-in, a /mood and a break, always with "No thanks"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.storage import practices as practice_store
from bot.storage.models import User
from bot.storage.practice_models import PracticeSession
from tests.e2e.test_checkins import USER as CHECKIN_USER
from tests.e2e.test_checkins import monday_nine_in_berlin, run_slots
from tests.support.harness import Harness, onboard, practice_steps

USER = 9119
CRITIC = ["Answer the inner critic", "No thanks"]
SOOTHE = ["Something soothing", "No thanks"]
GRATITUDE = ["Note something good", "No thanks"]
BREAK = ["Take a break 🌿", "No thanks"]


def _labels(h: Harness, message: object) -> list[str]:
    return [label for label, _ in h.emulator.buttons(message)]  # type: ignore[arg-type]


async def _mood(h: Harness, value: str, *tags: str) -> list[str]:
    """/mood with a number and feelings, no note: the texts that follow the last tap."""
    await h.say(USER, "/mood")
    await h.tap(USER, value)
    for tag in tags:
        await h.tap(USER, tag, expect=0)
    (ask_note,) = await h.tap(USER, "Done")
    query = h.emulator.press(USER, "Skip")
    await h.emulator.wait_callback_answered(query)
    await h.settled()  # the button is answered first, the rest follows
    # no note: the rating's saved words take the note question's place
    saved = next(m for m in h.emulator.chat_messages(USER) if m.message_id == ask_note.message_id)
    assert "out of 10" in saved.text
    return [m.text for m in h.emulator.chat_messages(USER) if m.message_id > saved.message_id]


@pytest.mark.parametrize(
    ("tag", "labels"),
    [
        ("self-critical", CRITIC),
        ("ashamed", CRITIC),
        ("anxious", SOOTHE),
        ("overwhelmed", SOOTHE),
        ("stressed", BREAK),
    ],
)
async def test_a_low_mood_offers_the_one_step_its_feelings_call_for(
    harness: Harness, tag: str, labels: list[str]
) -> None:
    h = harness
    await onboard(h, USER)
    await _mood(h, "3", tag)
    (offer,) = await h.replies(USER, 1, after=h.emulator.mark(USER) - 1)
    assert _labels(h, offer) == labels


async def test_the_offered_inner_critic_starts_and_no_thanks_is_kind(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _mood(h, "2", "ashamed", "tired")
    offer = h.emulator.chat_messages(USER)[-1]
    assert "inner critic" in offer.text and _labels(h, offer) == CRITIC
    intro, ask = await h.tap(USER, "Answer the inner critic", expect=2)
    assert "critic" in intro.text and "0 to 10" in ask.text
    await h.say(USER, "/cancel")
    await _mood(h, "3", "anxious")
    (answer,) = await h.tap(USER, "No thanks")
    assert "whenever you'd like" in answer.text
    async with h.session() as session:
        (practice,) = (await session.exec(select(PracticeSession))).all()
    assert practice.kind == "critic"  # only the one they chose


async def test_gratitude_on_a_calm_evening_and_nothing_on_a_calm_morning(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)  # 10:00 in Berlin
    mark = h.emulator.mark(USER)
    await _mood(h, "7", "calm")
    await h.replies(USER, 1, after=mark)
    assert _labels(h, h.emulator.chat_messages(USER)[-1]) == []  # only "saved"
    h.clock.set(datetime(2026, 11, 23, 18, 30, tzinfo=UTC))  # 19:30 in Berlin
    await _mood(h, "7", "calm")
    offer = h.emulator.chat_messages(USER)[-1]
    assert "grateful" in offer.text and _labels(h, offer) == GRATITUDE
    await h.tap(USER, "Note something good", expect=2)
    async with h.session() as session:
        (practice,) = (await session.exec(select(PracticeSession))).all()
    assert practice.kind == "gratitude"


async def test_a_low_checkin_offers_soothing_when_anxious(harness: Harness) -> None:
    h = harness
    await monday_nine_in_berlin(h)
    await run_slots(h, 1)
    await h.tap(CHECKIN_USER, "2")
    await h.tap(CHECKIN_USER, "overwhelmed", expect=0)
    await h.tap(CHECKIN_USER, "Done")
    thanks, offer = await h.tap(CHECKIN_USER, "Skip", expect=2)
    assert "Thank" in thanks.text
    assert _labels(h, offer) == SOOTHE
    _intro, ask = await h.tap(CHECKIN_USER, "Something soothing", expect=2)
    assert "0 to 10" in ask.text


async def _break(h: Harness, before: str, after: str) -> object:
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, before)
    await h.tap_in_place(USER, "Skip")
    await practice_steps(h, USER)
    await h.tap_in_place(USER, "Skip")
    closing, *_ = await h.tap(USER, after)
    return closing


async def test_a_break_ends_with_the_step_its_feelings_call_for(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _mood(h, "3", "self-critical")
    await h.tap(USER, "No thanks")
    closing = await _break(h, "3", "5")
    assert "inner critic" in closing.text  # the feelings of the rating just before
    assert _labels(h, closing) == CRITIC  # one next step, not a list
    (answer,) = await h.tap(USER, "No thanks")
    assert "/practices" in answer.text


async def test_a_break_that_left_them_low_offers_soothing_never_another_break(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    closing = await _break(h, "3", "3")
    assert _labels(h, closing) == SOOTHE


async def test_a_break_that_hurt_offers_grounding_and_nothing_more(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _mood(h, "3", "ashamed")
    await h.tap(USER, "No thanks")
    closing = await _break(h, "5", "3")
    offer = h.emulator.chat_messages(USER)[-1]
    assert "inner critic" not in closing.text + offer.text
    assert "Something grounding" in _labels(h, offer)


async def test_a_good_break_in_the_morning_ends_as_before(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    closing = await _break(h, "5", "7")
    assert _labels(h, closing) == ["Another break 🌿", "Done"]


async def _keep_phrase(h: Harness, words: str) -> None:
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == USER))).one()
        assert user.id is not None
        await practice_store.add_phrase(
            session, user_id=user.id, text=words, source="own", now=h.clock.now()
        )
        await session.commit()


async def test_a_low_checkin_offers_one_of_their_own_phrases_back(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _keep_phrase(h, "I am doing the best I can with what I have")
    await _mood(h, "2", "tired")
    offer = h.emulator.chat_messages(USER)[-1]
    assert offer.text.startswith("Something you once wrote for yourself")
    assert "“I am doing the best I can with what I have”" in offer.text
    assert _labels(h, offer) == BREAK  # still one next step, with no thanks
    await h.tap(USER, "No thanks")
    await _mood(h, "7", "tired")  # not a low moment: no phrase, and here no offer either
    assert "once wrote" not in h.emulator.chat_messages(USER)[-1].text


async def test_the_summary_closes_with_one_of_their_phrases(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _keep_phrase(h, "Small steps still count")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/summary")
    (summary,) = await h.replies(USER, 1, after=mark)
    text = summary.text or ""
    *_, phrase, closing = text.split("\n\n")
    assert phrase == "“Small steps still count”" and closing.endswith("💛")
