"""Reading everything kept about one person, decrypted, as plain values (for /export).

Every query is limited to the person's own rows; nothing of anyone else is read.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.records import (
    AnswerEntry,
    BreakEntry,
    CheckinSettings,
    NoteEntry,
    PersonData,
    PracticeEntry,
    RatingEntry,
)
from bot.storage.deliveries import get_schedule, get_times
from bot.storage.models import Break, MoodRating, RatingTag, User
from bot.storage.practice_models import (
    GratitudeEntry,
    Phrase,
    PracticeAnswer,
    PracticeSession,
)
from bot.storage.safety import filled_parts, get_plan, hit_counts


async def load_ratings(session: AsyncSession, *, user_id: int) -> tuple[RatingEntry, ...]:
    """The person's ratings with notes and tags, oldest first."""
    tags: dict[int, list[str]] = defaultdict(list)
    tag_rows = await session.exec(
        select(RatingTag.rating_id, RatingTag.tag)
        .join(MoodRating, col(MoodRating.id) == col(RatingTag.rating_id))
        .where(MoodRating.user_id == user_id)
    )
    for rating_id, tag in tag_rows.all():
        tags[rating_id].append(tag)
    rows = await session.exec(
        select(MoodRating)
        .where(MoodRating.user_id == user_id)
        .order_by(col(MoodRating.rated_at), col(MoodRating.id))
    )
    return tuple(
        RatingEntry(
            id=r.id or 0,
            at=r.rated_at,
            value=r.value,
            kind=r.kind,
            note=r.note,
            tags=tuple(sorted(tags.get(r.id or 0, ()))),
            break_id=r.break_id,
        )
        for r in rows.all()
    )


def break_entry(row: Break) -> BreakEntry:
    """A stored break as a plain value."""
    return BreakEntry(
        id=row.id or 0,
        started_at=row.started_at,
        ended_at=row.ended_at,
        status=row.status,
        mood_before=row.mood_before,
        mood_after=row.mood_after,
        difficulty=row.difficulty,
        need=row.need,
    )


async def load_breaks(session: AsyncSession, *, user_id: int) -> tuple[BreakEntry, ...]:
    """The person's breaks, oldest first."""
    rows = await session.exec(
        select(Break).where(Break.user_id == user_id).order_by(col(Break.started_at), col(Break.id))
    )
    return tuple(break_entry(b) for b in rows.all())


def practice_entry(row: PracticeSession, answers: list[AnswerEntry]) -> PracticeEntry:
    """A stored practice and its answers as a plain value."""
    return PracticeEntry(
        id=row.id or 0,
        kind=row.kind,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        choice=row.choice,
        mood_before=row.mood_before,
        mood_after=row.mood_after,
        answers=tuple(answers),
    )


async def load_practices(
    session: AsyncSession, *, user_id: int, ids: list[int] | None = None
) -> tuple[PracticeEntry, ...]:
    """The person's practices with their answers, oldest first (only ``ids`` if given)."""
    answers: dict[int, list[AnswerEntry]] = defaultdict(list)
    answer_query = (
        select(PracticeAnswer)
        .join(PracticeSession, col(PracticeSession.id) == col(PracticeAnswer.session_id))
        .where(PracticeSession.user_id == user_id)
        .order_by(col(PracticeAnswer.created_at), col(PracticeAnswer.id))
    )
    session_query = select(PracticeSession).where(PracticeSession.user_id == user_id)
    if ids is not None:
        answer_query = answer_query.where(col(PracticeSession.id).in_(ids))
        session_query = session_query.where(col(PracticeSession.id).in_(ids))
    for answer in (await session.exec(answer_query)).all():
        answers[answer.session_id].append(AnswerEntry(answer.step, answer.text, answer.created_at))
    rows = await session.exec(
        session_query.order_by(col(PracticeSession.started_at), col(PracticeSession.id))
    )
    return tuple(practice_entry(p, answers.get(p.id or 0, [])) for p in rows.all())


async def load_notes(
    session: AsyncSession, *, user_id: int
) -> tuple[tuple[NoteEntry, ...], tuple[NoteEntry, ...]]:
    """The person's gratitude notes and kept phrases, oldest first."""
    gratitude = await session.exec(
        select(GratitudeEntry)
        .where(GratitudeEntry.user_id == user_id)
        .order_by(col(GratitudeEntry.created_at), col(GratitudeEntry.id))
    )
    phrases = await session.exec(
        select(Phrase).where(Phrase.user_id == user_id).order_by(col(Phrase.id))
    )
    return (
        tuple(NoteEntry(g.id or 0, g.created_at, g.text) for g in gratitude.all()),
        tuple(NoteEntry(p.id or 0, p.created_at, p.text, p.source) for p in phrases.all()),
    )


async def load_checkins(session: AsyncSession, *, user_id: int) -> CheckinSettings | None:
    """The person's check-in settings, if they ever set them."""
    schedule = await get_schedule(session, user_id=user_id)
    if schedule is None:
        return None
    return CheckinSettings(
        enabled=schedule.enabled,
        weekdays=tuple(day for day in range(7) if schedule.weekdays >> day & 1),
        times=tuple(await get_times(session, user_id=user_id)),
        quiet_start=schedule.quiet_start,
        quiet_end=schedule.quiet_end,
        paused=schedule.paused,
        paused_until=schedule.paused_until,
        summary_enabled=schedule.summary_enabled,
        summary_weekday=schedule.summary_weekday,
        summary_time=schedule.summary_time,
    )


async def load_person_data(session: AsyncSession, *, user: User) -> PersonData:
    """Everything kept about ``user``, decrypted."""
    assert user.id is not None
    user_id = user.id
    gratitude, phrases = await load_notes(session, user_id=user_id)
    plan = await get_plan(session, user_id=user_id)
    hits = await hit_counts(session, user_id=user_id)
    return PersonData(
        first_name=user.first_name,
        language=user.language_code,
        time_zone=user.time_zone,
        created_at=user.created_at,
        consented_at=user.consented_at,
        ratings=await load_ratings(session, user_id=user_id),
        breaks=await load_breaks(session, user_id=user_id),
        practices=await load_practices(session, user_id=user_id),
        gratitude=gratitude,
        phrases=phrases,
        safety_plan=tuple(filled_parts(plan)),
        safety_plan_updated_at=plan.updated_at if plan else None,
        checkins=await load_checkins(session, user_id=user_id),
        hit_levels=dict(hits["levels"]),
        hit_categories=dict(hits["categories"]),
    )
