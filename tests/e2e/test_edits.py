"""Editing a message in Telegram: the words kept from it follow the edit; danger is screened."""

from __future__ import annotations

from sqlmodel import select

from bot.emulator import BotMessage
from bot.storage.models import Break, MoodRating, SafetyPlan, WrittenFrom
from bot.storage.practice_models import GratitudeEntry
from tests.support.harness import Harness, onboard

USER = 9301
OTHER = 9302
SAVED = "saved your edited words"


async def _said(h: Harness, user_id: int, text: str, *, replies: int) -> int:
    """Send ``text``, wait for ``replies`` answers; the id of the person's message."""
    mark = h.emulator.mark(user_id)
    update = h.emulator.send_text(user_id, text)
    await h.replies(user_id, replies, after=mark, timeout=15.0)  # the first words load the screen
    return int(update["message"]["message_id"])


async def _edit(h: Harness, user_id: int, message_id: int, text: str) -> list[BotMessage]:
    """Edit one of the person's messages; what the bot sent back (after it settled)."""
    mark = h.emulator.mark(user_id)
    h.emulator.edit_text(user_id, message_id, text)
    # taken by the bot (it confirms an update with its next poll), then fully handled
    await h.emulator.wait_for(lambda: not h.emulator.pending_updates() or None, timeout=5.0)
    await h.settled()
    return [m for m in h.emulator.chat_messages(user_id) if m.message_id > mark]


async def _quick_note(h: Harness, user_id: int, note: str) -> int:
    await h.say(user_id, "/mood")
    await h.tap(user_id, "8")
    return await _said(h, user_id, note, replies=1)


async def _notes(h: Harness) -> list[str | None]:
    async with h.session() as session:
        return [r.note for r in (await session.exec(select(MoodRating))).all()]


async def test_an_edited_note_replaces_the_first_words(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    message_id = await _quick_note(h, USER, "sunny wlak")
    (reply,) = await _edit(h, USER, message_id, "sunny walk by the river")
    assert SAVED in reply.text
    assert await _notes(h) == ["sunny walk by the river"]


async def test_break_words_follow_an_edit_after_the_break_moved_on(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "3")
    message_id = await _said(h, USER, "a hard talk with my mangaer", replies=2)
    (reply,) = await _edit(h, USER, message_id, "a hard talk with my manager")
    assert SAVED in reply.text
    async with h.session() as session:
        (break_row,) = (await session.exec(select(Break))).all()
    assert break_row.difficulty == "a hard talk with my manager"
    assert break_row.last_step == "mindfulness"  # the break stays where it was


async def test_a_gratitude_note_follows_its_edit(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/gratitude")
    await h.replies(USER, 2, after=mark)
    message_id = await _said(h, USER, "my sister's call", replies=1)
    (reply,) = await _edit(h, USER, message_id, "my sister's long call")
    assert SAVED in reply.text
    async with h.session() as session:
        (entry,) = (await session.exec(select(GratitudeEntry))).all()
    assert entry.text == "my sister's long call"


async def test_editing_words_that_were_not_kept_changes_and_says_nothing(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    message_id = await _said(h, USER, "just saying hello", replies=1)
    assert await _edit(h, USER, message_id, "just saying hello again") == []
    command_id = await _said(h, USER, "/help", replies=1)
    assert await _edit(h, USER, command_id, "/help me") == []
    assert await _notes(h) == []


async def test_an_edit_with_words_of_danger_is_answered_and_still_kept(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    message_id = await _quick_note(h, USER, "tired")
    replies = await _edit(h, USER, message_id, "tired. i took all my pills an hour ago")
    assert len(replies) == 1 and replies[0].text.startswith("Please call 112")
    assert SAVED not in replies[0].text  # nothing scripted on top of an urgent answer
    assert await _notes(h) == ["tired. i took all my pills an hour ago"]


async def test_another_persons_edit_never_reaches_a_note(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await onboard(h, OTHER)
    await _quick_note(h, USER, "mine alone")
    # the other person's messages have their own ids, some equal to the owner's
    for _ in range(3):
        other_id = await _said(h, OTHER, "hello there", replies=1)
        assert await _edit(h, OTHER, other_id, "changed by someone else") == []
    assert await _notes(h) == ["mine alone"]
    async with h.session() as session:
        links = (await session.exec(select(WrittenFrom))).all()
    assert len(links) == 1 and links[0].entry == "mood_ratings:note"


async def test_a_safety_plan_part_follows_its_edit(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/safetyplan")
    await h.replies(USER, 2, after=mark)
    message_id = await _said(h, USER, "not sleeping, skipping meals", replies=1)
    (reply,) = await _edit(h, USER, message_id, "not sleeping, skipping meals, going quiet")
    assert SAVED in reply.text
    async with h.session() as session:
        (plan,) = (await session.exec(select(SafetyPlan))).all()
    assert plan.warning_signs == "not sleeping, skipping meals, going quiet"
