"""Every SQL statement about practices: sessions and answers, personal phrases, gratitude."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.practice_models import (
    GratitudeEntry,
    Phrase,
    PracticeAnswer,
    PracticeSession,
    PracticeStatus,
)

MAX_PHRASES = 50  # a bank, not an archive: the oldest phrases stay, new ones are refused


async def start_session(
    session: AsyncSession, *, user_id: int, kind: str, now: datetime
) -> PracticeSession:
    """A new practice in progress; its variant counts earlier ones of the same kind."""
    taken = await session.exec(
        select(sa.func.count())
        .select_from(PracticeSession)
        .where(PracticeSession.user_id == user_id, PracticeSession.kind == kind)
    )
    row = PracticeSession(user_id=user_id, kind=kind, started_at=now, variant=int(taken.one()))
    session.add(row)
    await session.flush()
    return row


async def get_session(
    session: AsyncSession, *, session_id: int, user_id: int
) -> PracticeSession | None:
    """One of this person's practices by id (None for anyone else's)."""
    result = await session.exec(
        select(PracticeSession).where(
            PracticeSession.id == session_id, PracticeSession.user_id == user_id
        )
    )
    return result.first()


async def end_session(
    session: AsyncSession, *, row: PracticeSession, status: PracticeStatus, now: datetime
) -> None:
    """Mark a practice completed or abandoned (once)."""
    if row.status != PracticeStatus.IN_PROGRESS:
        return
    row.status = status
    row.finished_at = now
    session.add(row)
    await session.flush()


async def list_sessions(
    session: AsyncSession, *, user_id: int, since: datetime | None = None
) -> Sequence[PracticeSession]:
    """A person's practices, oldest first (optionally only from ``since``)."""
    query = select(PracticeSession).where(PracticeSession.user_id == user_id)
    if since is not None:
        query = query.where(PracticeSession.started_at >= since)
    result = await session.exec(query.order_by(col(PracticeSession.started_at)))
    return result.all()


async def save_answer(
    session: AsyncSession, *, session_id: int, step: str, text: str, now: datetime
) -> PracticeAnswer:
    """Keep the words written at one step (written again, they replace the first)."""
    result = await session.exec(
        select(PracticeAnswer).where(
            PracticeAnswer.session_id == session_id, PracticeAnswer.step == step
        )
    )
    answer = result.first() or PracticeAnswer(session_id=session_id, step=step, text=text)
    answer.text = text
    answer.created_at = now
    session.add(answer)
    await session.flush()
    return answer


async def answers(session: AsyncSession, *, session_id: int) -> dict[str, str]:
    """The words written in one practice, by step."""
    result = await session.exec(
        select(PracticeAnswer).where(PracticeAnswer.session_id == session_id)
    )
    return {a.step: a.text for a in result.all()}


async def add_phrase(
    session: AsyncSession,
    *,
    user_id: int,
    text: str,
    source: str,
    now: datetime,
    source_ref: int | None = None,
) -> Phrase | None:
    """Save a phrase to the person's bank; None if it came from there already or the bank is full."""
    if len(await list_phrases(session, user_id=user_id)) >= MAX_PHRASES:
        return None
    phrase = Phrase(
        user_id=user_id, text=text, source=source, source_ref=source_ref, created_at=now
    )
    try:
        async with session.begin_nested():
            session.add(phrase)
    except IntegrityError:
        return None
    return phrase


async def list_phrases(session: AsyncSession, *, user_id: int) -> Sequence[Phrase]:
    """A person's phrases, oldest first."""
    result = await session.exec(
        select(Phrase).where(Phrase.user_id == user_id).order_by(col(Phrase.id))
    )
    return result.all()


async def remove_phrase(session: AsyncSession, *, user_id: int, phrase_id: int) -> bool:
    """Take one of the person's phrases out of their bank; False if it was not there."""
    result = await session.exec(
        sa.delete(Phrase)
        .where(col(Phrase.id) == phrase_id, col(Phrase.user_id) == user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def add_gratitude(
    session: AsyncSession, *, user_id: int, text: str, now: datetime, session_id: int | None
) -> GratitudeEntry:
    """Note one thing the person is grateful for."""
    entry = GratitudeEntry(user_id=user_id, text=text, created_at=now, session_id=session_id)
    session.add(entry)
    await session.flush()
    return entry


async def list_gratitude(
    session: AsyncSession, *, user_id: int, since: datetime | None = None, limit: int = 100
) -> Sequence[GratitudeEntry]:
    """The person's gratitude entries, newest first."""
    query = select(GratitudeEntry).where(GratitudeEntry.user_id == user_id)
    if since is not None:
        query = query.where(GratitudeEntry.created_at >= since)
    result = await session.exec(
        query.order_by(col(GratitudeEntry.created_at).desc(), col(GratitudeEntry.id).desc()).limit(
            limit
        )
    )
    return result.all()
