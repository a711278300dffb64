"""/export end to end: the ZIP arrives as a document, its files hold exactly what was stored."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, time, timedelta

from bot.emulator import BotMessage
from bot.storage.models import (
    Break,
    CheckinSchedule,
    CheckinTime,
    MoodRating,
    SafetyPlan,
    ScreenHit,
)
from bot.storage.practice_models import (
    GratitudeEntry,
    Phrase,
    PracticeAnswer,
    PracticeSession,
    PracticeStatus,
)
from tests.support.factories import create_break, create_rating, local, user_by_telegram_id
from tests.support.harness import Harness, onboard

USER = 9101
OTHER = 9102
BOM = b"\xef\xbb\xbf"
# 25 October 2026: Berlin's clocks go back from 03:00 CEST to 02:00 CET
BEFORE_CHANGE = local(2026, 10, 25, 2, 30, fold=0)  # 00:30 UTC, +02:00
AFTER_CHANGE = local(2026, 10, 25, 2, 30, fold=1)  # 01:30 UTC, +01:00
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


async def seed(h: Harness, telegram_id: int, word: str) -> None:
    """One of everything, with ``word`` in each free text."""
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=telegram_id)
        assert user.id is not None
        uid = user.id
        await create_rating(
            session,
            user_id=uid,
            value=3,
            at=BEFORE_CHANGE,
            note=f"{word} before, café",
            tags=["tired", "anxious"],
        )
        await create_rating(session, user_id=uid, value=7, at=AFTER_CHANGE, note=f"{word} after")
        brk = await create_break(
            session, user_id=uid, started_at=local(2026, 11, 2, 20), before=2, after=5
        )
        brk.difficulty, brk.need = f"{word} weighs", f"{word} kindness"
        practice = PracticeSession(
            user_id=uid,
            kind="critic",
            started_at=local(2026, 11, 3, 9),
            finished_at=local(2026, 11, 3, 9, 10),
            status=PracticeStatus.COMPLETED,
            mood_before=4,
            mood_after=6,
        )
        session.add(practice)
        await session.flush()
        assert practice.id is not None
        session.add(
            PracticeAnswer(
                session_id=practice.id,
                step="critic",
                text=f"{word} critic",
                created_at=local(2026, 11, 3, 9, 2),
            )
        )
        session.add(
            GratitudeEntry(user_id=uid, text=f"{word} sunshine", created_at=local(2026, 11, 4, 21))
        )
        session.add(
            Phrase(
                user_id=uid, text=f"{word} phrase", source="own", created_at=local(2026, 11, 5, 8)
            )
        )
        session.add(
            SafetyPlan(
                user_id=uid,
                warning_signs=f"{word} signs",
                reasons=f"{word} reasons",
                updated_at=NOW,
            )
        )
        session.add(CheckinSchedule(user_id=uid, enabled=True, weekdays=0b0011111, updated_at=NOW))
        session.add(CheckinTime(user_id=uid, at=time(9, 30)))
        session.add(
            ScreenHit(
                user_id=uid,
                at=NOW - timedelta(days=1),
                level="concern",
                categories="hopelessness,burden",
                place="message",
            )
        )
        await session.commit()


async def export(h: Harness, telegram_id: int) -> tuple[BotMessage, BotMessage]:
    """/export: returns the document and the offer of a report."""
    mark = h.emulator.mark(telegram_id)
    h.emulator.send_text(telegram_id, "/export")
    _preparing, document, offer = await h.replies(telegram_id, 3, after=mark, timeout=30)
    return document, offer


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    raw = archive.read(name)
    assert raw.startswith(BOM), name
    rows = list(csv.reader(io.StringIO(raw[len(BOM) :].decode("utf-8"), newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_export_sends_everything_as_a_zip(harness: Harness) -> None:
    h = harness
    h.clock.set(NOW)
    for person, word in ((USER, "mine"), (OTHER, "theirs")):
        await onboard(h, person)
        await seed(h, person, word)
    document, offer = await export(h, USER)
    assert document.file_name == "kindbreak-export-2026-11-10.zip"
    assert document.document is not None and "README" in (document.text or "")
    assert "report" in (offer.text or "") and len(offer.buttons()) == 2
    archive = zipfile.ZipFile(io.BytesIO(document.document))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "data.json",
        "ratings.csv",
        "breaks.csv",
        "practices.csv",
        "practice_answers.csv",
        "gratitude.csv",
        "phrases.csv",
        "safety_plan.csv",
        "checkin_settings.csv",
        "screen_hits.csv",
        "chart_30_days.png",
    } <= names
    assert b"theirs" not in b"".join(archive.read(n) for n in names)
    assert archive.read("chart_30_days.png").startswith(b"\x89PNG")

    ratings = read_csv(archive, "ratings.csv")
    header = archive.read("ratings.csv")[3:].split(b"\r\n")[0].decode()
    assert header == "id,rated_at_utc,rated_at_local,value,kind,feelings,note,break_id"
    checkin_rows = [r for r in ratings if r["kind"] == "checkin"]
    first, second = checkin_rows
    assert (first["value"], first["note"], first["feelings"]) == (
        "3",
        "mine before, café",
        "anxious;tired",
    )
    # the same wall-clock time twice, an hour apart: the offsets tell them apart
    assert (first["rated_at_utc"], first["rated_at_local"]) == (
        "2026-10-25T00:30:00Z",
        "2026-10-25T02:30:00+02:00",
    )
    assert (second["rated_at_utc"], second["rated_at_local"]) == (
        "2026-10-25T01:30:00Z",
        "2026-10-25T02:30:00+01:00",
    )
    (brk,) = read_csv(archive, "breaks.csv")
    assert (brk["mood_before"], brk["mood_after"], brk["change"]) == ("2", "5", "3")
    assert (
        brk["what_weighed_on_me"] == "mine weighs"
        and brk["started_at_local"] == "2026-11-02T20:00:00+01:00"
    )
    (answer,) = read_csv(archive, "practice_answers.csv")
    assert (answer["practice"], answer["step"], answer["text"]) == (
        "critic",
        "critic",
        "mine critic",
    )
    assert read_csv(archive, "gratitude.csv")[0]["text"] == "mine sunshine"
    assert read_csv(archive, "phrases.csv")[0]["text"] == "mine phrase"
    plan = {r["part"]: r["text"] for r in read_csv(archive, "safety_plan.csv")}
    assert plan == {"warning_signs": "mine signs", "reasons": "mine reasons"}
    settings = {r["setting"]: r["value"] for r in read_csv(archive, "checkin_settings.csv")}
    assert settings["times_local"] == "09:30" and settings["days"] == "Mon Tue Wed Thu Fri"
    hits = {(r["counted_by"], r["name"]): r["count"] for r in read_csv(archive, "screen_hits.csv")}
    assert hits == {
        ("level", "concern"): "1",
        ("category", "hopelessness"): "1",
        ("category", "burden"): "1",
    }

    data = json.loads(archive.read("data.json"))
    assert data["time_zone"] == "Europe/Berlin" and data["first_name"] == "Sam"
    notes = [r["note"] for r in data["ratings"] if r["kind"] == "checkin"]
    assert notes == ["mine before, café", "mine after"]
    assert data["ratings"][0]["at"] == {
        "utc": "2026-10-25T00:30:00Z",
        "local": "2026-10-25T02:30:00+02:00",
    }
    assert data["practices"][0]["answers"][0]["text"] == "mine critic"
    assert data["safety_plan"] == {"warning_signs": "mine signs", "reasons": "mine reasons"}
    assert data["hit_levels"] == {"concern": 1}
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert all(name in readme for name in names - {"README.txt"})


async def test_report_with_or_without_notes(harness: Harness) -> None:
    h = harness
    h.clock.set(NOW)
    await onboard(h, USER)
    await seed(h, USER, "mine")
    _document, _offer = await export(h, USER)
    (with_notes,) = await h.tap(USER, "Report with my notes")
    assert with_notes.file_name == "kindbreak-report-2026-11-10.pdf"
    pdf = with_notes.document
    assert pdf is not None and pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert 20_000 < len(pdf) < 2_000_000, len(pdf)
    _document, _offer = await export(h, USER)
    (plain,) = await h.tap(USER, "Report without notes")
    assert plain.document is not None and plain.document.startswith(b"%PDF-")
    # the notes page is the difference between the two
    assert len(plain.document) < len(pdf)
    assert h.emulator.violations == []


async def test_export_size_for_a_year_of_use(harness: Harness) -> None:
    """A year: three ratings a day with a note, three breaks a week with both texts."""
    h = harness
    h.clock.set(NOW)
    await onboard(h, USER)
    note = "Slept badly, long day at work, a short walk helped a little"  # 59 characters
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=USER)
        assert user.id is not None
        for day in range(365):
            for hour in (8, 14, 21):
                at = NOW - timedelta(days=day, hours=hour)
                session.add(
                    MoodRating(
                        user_id=user.id,
                        value=(day + hour) % 11,
                        kind="checkin",
                        note=note,
                        rated_at=at,
                    )
                )
            if day % 7 in (1, 3, 5):
                started = NOW - timedelta(days=day, hours=3)
                session.add(
                    Break(
                        user_id=user.id,
                        started_at=started,
                        ended_at=started + timedelta(minutes=4),
                        status="completed",
                        mood_before=3,
                        mood_after=5,
                        difficulty="Worried about tomorrow's meeting and money",
                        need="That I am doing my best",
                    )
                )
        await session.commit()
    document, _offer = await export(h, USER)
    assert document.document is not None
    size = len(document.document)
    archive = zipfile.ZipFile(io.BytesIO(document.document))
    assert len(read_csv(archive, "ratings.csv")) == 365 * 3
    assert len(read_csv(archive, "breaks.csv")) == sum(1 for d in range(365) if d % 7 in (1, 3, 5))
    print(f"export for a year of use: {size} bytes ({size / 1024:.0f} KiB)")
    assert size < 1_000_000
    (report,) = await h.tap(USER, "Report with my notes")
    assert report.document is not None
    print(f"30-day report with notes after a year: {len(report.document)} bytes")
