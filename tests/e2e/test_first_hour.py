"""Rough edges a new user met in their first hour, each smoothed."""

from __future__ import annotations

from sqlmodel import select

from bot.storage.models import MoodRating, RatingTag
from tests.support.harness import Harness, onboard, practice_steps

USER = 8008


async def _to_step_one(h: Harness, words: str = "work") -> None:
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "4")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, words)
    await h.replies(USER, 2, after=mark)


async def test_words_out_of_place_after_a_restart_get_the_step_again(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _to_step_one(h)
    await h.restart()
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "hello?")
    again, step = await h.replies(USER, 2, after=mark)
    assert "Here's where we were" in again.text and "above" not in again.text
    assert "Step 1" in step.text
    assert next(label for label, _ in h.emulator.buttons(step)).startswith("Next")
    step2 = await h.tap_in_place(USER, "Next")  # the resent button works
    assert step2.message_id == step.message_id and "not alone" in step2.text


async def test_a_sticker_in_a_break_gets_the_step_again(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _to_step_one(h)
    mark = h.emulator.mark(USER)
    h.emulator.send_sticker(USER)
    kind, step = await h.replies(USER, 2, after=mark)
    assert "only read text" in kind.text and "Step 1" in step.text


async def test_the_break_says_honestly_what_happens_to_the_words(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    (ask,) = await h.tap(USER, "4")
    assert "only you will see" not in ask.text
    assert "stored" in ask.text


async def test_thanks_for_naming_it_varies_from_break_to_break(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    thanks = set()
    for _ in range(3):
        mark = h.emulator.mark(USER)
        h.emulator.send_text(USER, "/break")
        await h.replies(USER, 2, after=mark)
        await h.tap(USER, "4")
        mark = h.emulator.mark(USER)
        h.emulator.send_text(USER, "money")
        said, _step = await h.replies(USER, 2, after=mark)
        thanks.add(said.text)
        await h.say(USER, "/cancel")
    assert len(thanks) == 3


async def test_changing_the_time_zone_says_schedules_follow(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/timezone")
    await h.replies(USER, 1, after=mark)
    confirm, follow = await h.tap(USER, "New York", expect=2)
    assert "America/New_York" in confirm.text
    assert "check-ins and weekly summary follow" in follow.text


async def test_an_offered_break_can_be_declined(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/mood 2")
    _saved, offer = await h.replies(USER, 2, after=mark)
    assert [label for label, _ in h.emulator.buttons(offer)] == ["Take a break 🌿", "No thanks"]
    (answer,) = await h.tap(USER, "No thanks")
    assert "whenever you'd like a pause" in answer.text


async def test_stopping_a_break_before_anything_claims_nothing_was_saved(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    reply = await h.say(USER, "/cancel")
    assert "saved" not in reply.text and "/break" in reply.text


async def test_a_break_ends_with_something_to_tap(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _to_step_one(h)
    await practice_steps(h, USER)
    await h.tap_in_place(USER, "Skip")
    (closing,) = await h.tap(USER, "7")
    assert [label for label, _ in h.emulator.buttons(closing)] == ["Another break 🌿", "Done"]
    (goodbye,) = await h.tap(USER, "Done")
    assert "Take good care" in goodbye.text


async def test_help_lists_pause_and_resume_too(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "/help")
    assert "/pause — " in reply.text and "/resume — " in reply.text


async def test_mood_offers_the_feelings_too(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/mood")
    (tags,) = await h.tap(USER, "6")
    assert "fit how you feel" in tags.text
    await h.tap(USER, "tired", expect=0)
    (ask_note,) = await h.tap(USER, "Done")
    assert "few words" in ask_note.text
    reply = await h.say(USER, "long shift")
    assert "Saved" in reply.text
    async with h.session() as session:
        (rating,) = (await session.exec(select(MoodRating))).all()
        tags_stored = {t.tag for t in (await session.exec(select(RatingTag))).all()}
    assert (rating.value, rating.note, tags_stored) == (6, "long shift", {"tired"})


async def test_mood_off_the_scale_says_so_and_keeps_the_note(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    ask = await h.say(USER, "/mood 12 great")
    assert ask.text.startswith("The scale goes from 0 to 10. I'll keep your words")
    await h.tap(USER, "9")
    async with h.session() as session:
        (rating,) = (await session.exec(select(MoodRating))).all()
    assert (rating.value, rating.note) == (9, "great")
