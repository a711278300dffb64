"""/gratitude, /journal and /phrases end to end; a break's words kept and offered back."""

from __future__ import annotations

from sqlmodel import col, select

from bot.storage.practice_models import GratitudeEntry, Phrase, PracticeSession
from tests.support.harness import Harness, onboard

USER = 8208


async def _phrases(h: Harness) -> list[Phrase]:
    async with h.session() as session:
        return list((await session.exec(select(Phrase).order_by(col(Phrase.id)))).all())


async def _entries(h: Harness) -> list[GratitudeEntry]:
    async with h.session() as session:
        query = select(GratitudeEntry).order_by(col(GratitudeEntry.id))
        return list((await session.exec(query)).all())


async def _start(h: Harness, command: str) -> None:
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, command)
    await h.replies(USER, 2, after=mark)


async def test_gratitude_notes_up_to_three_and_the_journal_counts_days(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await _start(h, "/gratitude")
    more = await h.say(USER, "a warm cup of tea")
    assert "That's all" in [label for label, _ in h.emulator.buttons(more)]
    await h.say(USER, "my colleague's kind word")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "I finished the report")
    noted, closing = await h.replies(USER, 2, after=mark)
    assert "on 1 day this month" in noted.text
    assert [label for label, _ in h.emulator.buttons(closing)] == ["Another practice", "Done"]
    assert [e.text for e in await _entries(h)] == [
        "a warm cup of tea",
        "my colleague's kind word",
        "I finished the report",
    ]
    async with h.session() as session:
        (row,) = (await session.exec(select(PracticeSession))).all()
    assert (row.kind, row.status, row.mood_before) == ("gratitude", "completed", None)

    h.clock.advance(days=3)  # another day, after a gap: counted, nothing "broken"
    await _start(h, "/gratitude")
    await h.say(USER, "sunshine")
    mark = h.emulator.mark(USER)
    await h.tap(USER, "That's all", expect=2)
    shown = await h.say(USER, "/journal")
    assert shown.text.index("a warm cup of tea") < shown.text.index("sunshine")
    assert "Mon 23 Nov" in shown.text and "Thu 26 Nov" in shown.text
    assert "on 2 days this month" in shown.text
    assert "streak" not in shown.text.lower()


async def test_gratitude_stopped_at_once_keeps_nothing(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    empty = await h.say(USER, "/journal")
    assert "Nothing noted yet" in empty.text
    await _start(h, "/gratitude")
    (stopped,) = await h.tap(USER, "Stop for now")
    assert "/practices" in stopped.text
    assert await _entries(h) == []


async def test_phrases_are_added_listed_and_removed(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    empty = await h.say(USER, "/phrases")
    assert "no phrases yet" in empty.text
    assert [label for label, _ in h.emulator.buttons(empty)] == ["Add a phrase", "Done"]
    (ask,) = await h.tap(USER, "Add a phrase")
    assert "hard day" in ask.text
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "I'm doing the best I can")
    _kept, listed = await h.replies(USER, 2, after=mark)
    assert "• I'm doing the best I can" in listed.text
    (ask,) = await h.tap(USER, "Add a phrase")
    (listed,) = await h.tap(USER, "Not now")
    (choose,) = await h.tap(USER, "Remove one")
    (after,) = await h.tap(USER, "I'm doing the best I can")
    assert "no phrases yet" in after.text
    assert await _phrases(h) == []
    # the same remove button again: already gone, nothing else changes
    data = next(d for label, d in h.emulator.buttons(choose) if label.startswith("I'm"))
    query = h.emulator.press_button(USER, choose.message_id, data)
    await h.emulator.wait_callback_answered(query)


async def test_a_breaks_words_are_kept_once_and_offered_in_the_next_break(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    await _start(h, "/break")
    await h.tap_in_place(USER, "Skip")
    await h.tap_in_place(USER, "Skip")
    await h.tap_in_place(USER, "Next")
    step3 = await h.tap_in_place(USER, "Next")
    assert "your phrases" not in step3.text  # none yet
    await h.tap(USER, "Next")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "You are allowed to rest")
    thanks, _ask_after = await h.replies(USER, 2, after=mark)
    assert [label for label, _ in h.emulator.buttons(thanks)] == ["Keep these words in my phrases"]
    data = h.emulator.buttons(thanks)[0][1]
    for _ in range(2):  # a double tap stores once
        query = h.emulator.press_button(USER, thanks.message_id, data)
        await h.emulator.wait_callback_answered(query)
    (phrase,) = await _phrases(h)
    assert (phrase.text, phrase.source) == ("You are allowed to rest", "break")
    await h.tap(USER, "7")

    await _start(h, "/break")
    await h.tap_in_place(USER, "Skip")
    await h.tap_in_place(USER, "Skip")
    await h.tap_in_place(USER, "Next")
    step3 = await h.tap_in_place(USER, "Next")
    assert "from your phrases:\n\n“You are allowed to rest”" in step3.text
