"""/kindness and /soothe end to end: what the person sees and what is stored."""

from __future__ import annotations

from sqlmodel import col, select

from bot.storage.models import Conversation
from bot.storage.practice_models import Phrase, PracticeAnswer, PracticeSession
from tests.support.harness import Harness, onboard

USER = 8308


async def _row(h: Harness) -> PracticeSession:
    async with h.session() as session:
        query = select(PracticeSession).order_by(col(PracticeSession.id).desc())
        row = (await session.exec(query)).first()
    assert row is not None
    return row


async def _begin(h: Harness, command: str) -> None:
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, command)
    await h.replies(USER, 2, after=mark)


async def test_kind_wishes_chosen_own_kept_and_sent_to_others(harness: Harness) -> None:
    h = harness
    await _begin(h, "/kindness")
    (wish,) = await h.tap(USER, "2")
    assert "May I be safe." in wish.text
    (wish,) = await h.tap(USER, "Feels true")
    assert "May I be peaceful." in wish.text
    await h.tap(USER, "Not today")
    await h.tap(USER, "Feels true")  # kind to myself
    (own,) = await h.tap(USER, "Not today")  # accept
    assert "own words" in own.text
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "May I rest tonight.")
    chosen, offer = await h.replies(USER, 2, after=mark)
    assert chosen.text.endswith("May I be safe.\nMay I be kind to myself.\nMay I rest tonight.")
    ((_, data),) = h.emulator.buttons(chosen)
    query = h.emulator.press_button(USER, chosen.message_id, data)
    await h.emulator.wait_callback_answered(query)
    (cared,) = await h.tap(USER, "Yes, let's")
    assert "someone you care about" in cared.text
    (neutral,) = await h.tap(USER, "Next")
    assert "barely know" in neutral.text
    (difficult,) = await h.tap(USER, "Next")
    assert "Only if it feels okay" in difficult.text and "Skip" in str(
        h.emulator.buttons(difficult)
    )
    (everyone,) = await h.tap(USER, "Next")
    assert "all beings" in everyone.text
    (ask_after,) = await h.tap(USER, "Next")
    (closing,) = await h.tap(USER, "4")
    assert "Kristin Neff and Christopher Germer" in closing.text
    row = await _row(h)
    assert (row.kind, row.status, row.mood_before, row.mood_after) == (
        "kindness",
        "completed",
        2,
        4,
    )
    async with h.session() as session:
        (phrase,) = (await session.exec(select(Phrase))).all()
        steps = {a.step for a in (await session.exec(select(PracticeAnswer))).all()}
    assert phrase.text == "May I be safe. May I be kind to myself. May I rest tonight."
    assert phrase.source == "kindness"
    assert steps == {"wish_safe", "wish_kind", "own", "wishes"}


async def test_kindness_skipping_others_and_getting_lower_offers_grounding(
    harness: Harness,
) -> None:
    h = harness
    await _begin(h, "/kindness")
    await h.tap(USER, "6")
    for _ in range(4):
        await h.tap(USER, "Not today")
    _none_fit, offer = await h.tap(USER, "Skip", expect=2)
    assert "It's fine to stop here" in offer.text
    (ask_after,) = await h.tap(USER, "Not today")
    (closing,) = await h.tap(USER, "3")
    assert "normal" in closing.text or "human" in closing.text
    labels = [label for label, _ in h.emulator.buttons(closing)]
    assert labels == ["Something grounding", "Another practice", "Done"]
    (grounding,) = await h.tap(USER, "Something grounding")
    assert "5 things you can see" in grounding.text


async def test_soothing_with_an_alternative_to_breath_and_touch(harness: Harness) -> None:
    h = harness
    await _begin(h, "/soothe")
    (anchor,) = await h.tap(USER, "Skip")
    labels = [label for label, _ in h.emulator.buttons(anchor)]
    assert labels == ["My breath", "A soothing touch", "Sounds and my feet", "Stop for now"]
    assert "uneasy" in anchor.text
    (settle,) = await h.tap(USER, "Sounds and my feet")
    assert "feet on the floor" in settle.text
    await h.restart()  # mid-practice: carries on where it was
    (rest,) = await h.tap(USER, "Next")
    assert "three sounds" in rest.text
    (widen,) = await h.tap(USER, "Next")
    ideas, closing = await h.tap(USER, "Next", expect=2)
    assert "warm drink" in ideas.text and "walk" in ideas.text
    assert [label for label, _ in h.emulator.buttons(closing)] == ["Another practice", "Done"]
    row = await _row(h)
    assert (row.kind, row.choice, row.status, row.last_step) == (
        "soothe",
        "ground",
        "completed",
        "widen",
    )
    async with h.session() as session:
        assert (await session.exec(select(Conversation))).all() == []


async def test_a_double_tap_on_next_paces_once(harness: Harness) -> None:
    h = harness
    await _begin(h, "/soothe")
    await h.tap(USER, "Skip")
    (settle,) = await h.tap(USER, "My breath")
    data = next(d for label, d in h.emulator.buttons(settle) if label.startswith("Next"))
    for _ in range(2):
        query = h.emulator.press_button(USER, settle.message_id, data)
        await h.emulator.wait_callback_answered(query)
    assert (await _row(h)).last_step == "rest"
