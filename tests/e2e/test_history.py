"""/history: newest first a page at a time; correct a rating, delete an entry; nobody else's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.storage.models import Break, MoodRating
from bot.storage.practice_models import (
    GratitudeEntry,
    PracticeAnswer,
    PracticeSession,
    PracticeStatus,
)
from tests.support.factories import create_break, create_rating, local, user_by_telegram_id
from tests.support.harness import Harness, onboard

USER = 9201
OTHER = 9202
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


async def seed(h: Harness, telegram_id: int, word: str) -> dict[str, int]:
    """Seven ratings, a break, a practice and a gratitude note; the ids by name."""
    ids: dict[str, int] = {}
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=telegram_id)
        assert user.id is not None
        for day in range(1, 8):
            rating = await create_rating(
                session,
                user_id=user.id,
                value=day,
                at=local(2026, 11, day, 12),
                note=f"{word} day {day}",
                tags=["calm"] if day == 7 else [],
            )
            ids[f"r{day}"] = rating.id or 0
        brk = await create_break(
            session, user_id=user.id, started_at=local(2026, 11, 8, 20), before=2, after=5
        )
        brk.difficulty = f"{word} weighs"
        practice = PracticeSession(
            user_id=user.id,
            kind="critic",
            started_at=local(2026, 11, 9, 9),
            status=PracticeStatus.COMPLETED,
        )
        session.add(practice)
        await session.flush()
        session.add(
            PracticeAnswer(
                session_id=practice.id or 0, step="critic", text=f"{word} critic", created_at=NOW
            )
        )
        note = GratitudeEntry(
            user_id=user.id, text=f"{word} sunshine", created_at=local(2026, 11, 9, 21)
        )
        session.add(note)
        await session.flush()
        ids.update(b=brk.id or 0, p=practice.id or 0, g=note.id or 0)
        await session.commit()
    return ids


async def values(h: Harness, telegram_id: int) -> dict[str, object]:
    """What the person has stored: rating values, breaks, practices, notes."""
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=telegram_id)
        ratings = (
            await session.exec(select(MoodRating).where(MoodRating.user_id == user.id))
        ).all()
        breaks = (await session.exec(select(Break.id).where(Break.user_id == user.id))).all()
        practices = (
            await session.exec(select(PracticeSession.id).where(PracticeSession.user_id == user.id))
        ).all()
        notes = (
            await session.exec(select(GratitudeEntry.id).where(GratitudeEntry.user_id == user.id))
        ).all()
    return {
        "ratings": sorted((r.id, r.value, r.note) for r in ratings),
        "breaks": sorted(breaks),
        "practices": sorted(practices),
        "notes": sorted(notes),
    }


async def test_history_pages_newest_first_and_corrects_and_deletes(harness: Harness) -> None:
    h = harness
    h.clock.set(NOW)
    await onboard(h, USER)
    ids = await seed(h, USER, "mine")
    first = await h.say(USER, "/history")
    lines = [
        line for line in first.text.split("\n\n") if line[:2] in {f"{n}." for n in range(1, 10)}
    ]
    assert len(lines) == 6
    assert "gratitude: mine sunshine" in lines[0] and "Mon 9 Nov, 21:00" in lines[0]
    assert "practice: The inner critic" in lines[1]
    assert "self-compassion break · mood 2 → 5" in lines[2]
    assert lines[3].endswith("mood 7 · calm · mine day 7"), lines[3]
    labels = [label for label, _ in first.buttons()]
    assert labels == ["1", "2", "3", "4", "5", "6", "Older ▶", "Done"]

    (older,) = await h.tap(USER, "Older ▶")
    assert older.text.startswith("Older entries:") and "mine day 4" in older.text
    assert "mine day 1" in older.text and "mine day 5" not in older.text
    assert [label for label, _ in older.buttons()] == ["1", "2", "3", "4", "◀ Newer", "Done"]

    (detail,) = await h.tap(USER, "1")  # the rating of 4 November
    assert "mood 4" in detail.text and "“mine day 4”" in detail.text
    (ask,) = await h.tap(USER, "Correct the rating")
    assert "Pick the number" in ask.text
    (changed,) = await h.tap(USER, "9")
    assert "now 9" in changed.text
    stored = await values(h, USER)
    assert (ids["r4"], 9, "mine day 4") in stored["ratings"]  # type: ignore[operator]

    (newer,) = await h.tap(USER, "◀ Newer")
    assert newer.text.startswith("Your latest entries")
    (detail,) = await h.tap(USER, "3")  # the break
    assert "What weighed on you: “mine weighs”" in detail.text
    assert [label for label, _ in detail.buttons()] == ["Delete", "Back to the list"]
    (sure,) = await h.tap(USER, "Delete")
    assert "for good" in sure.text
    (gone,) = await h.tap(USER, "Yes, delete it")
    assert "Deleted" in gone.text
    stored = await values(h, USER)
    assert stored["breaks"] == []
    assert len(stored["ratings"]) == 7  # type: ignore[arg-type]  # the break's own two went with it

    await h.say(USER, "/history")
    await h.tap(USER, "1")  # the gratitude note
    await h.tap(USER, "Delete")
    kept = await h.tap(USER, "Keep it", expect=0)
    assert kept == [] and (await values(h, USER))["notes"] == [ids["g"]]
    assert h.emulator.violations == []


async def test_another_persons_ids_do_nothing(harness: Harness) -> None:
    h = harness
    h.clock.set(NOW)
    await onboard(h, USER)
    await onboard(h, OTHER)
    ids = await seed(h, USER, "mine")
    await seed(h, OTHER, "theirs")
    before = await values(h, USER)
    screen = await h.say(OTHER, "/history")  # a message of theirs to press forged buttons on
    mark = h.emulator.mark(OTHER)
    pressed = 0
    for kind, name in (("r", "r4"), ("b", "b"), ("p", "p"), ("g", "g")):
        for entry_id in (ids[name] - 1, ids[name], ids[name] + 1):
            for action in ("open", "fix", "del", "sure", "keep"):
                data = f"y:{action}:{entry_id}:{kind}"
                query = h.emulator.press_button(OTHER, screen.message_id, data)
                await h.emulator.wait_callback_answered(query)
                pressed += 1
            for value in ("0", "10"):
                query = h.emulator.press_button(
                    OTHER, screen.message_id, f"y:set:{entry_id}:{value}"
                )
                await h.emulator.wait_callback_answered(query)
                pressed += 1
    assert pressed == 4 * 3 * 7
    assert await values(h, USER) == before
    shown = " ".join(m.text or "" for m in h.emulator.chat_messages(OTHER) if m.message_id > mark)
    assert "mine" not in shown
    assert h.emulator.violations == []
