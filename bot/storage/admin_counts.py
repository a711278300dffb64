"""Counts over everyone for /stats: numbers only, never a row of anyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Break, BreakStatus, MoodRating, User
from bot.storage.practice_models import PracticeSession, PracticeStatus


@dataclass(frozen=True)
class Counts:
    """How many people there are and what was done since a moment."""

    people: int
    active: int
    ratings: int
    breaks: int
    practices: int


async def _count(session: AsyncSession, model: type[Any], *where: Any) -> int:
    query = sa.select(sa.func.count()).select_from(model).where(*where)
    return int((await session.exec(query)).one()[0])  # type: ignore[call-overload]


async def counts_since(session: AsyncSession, *, since: datetime) -> Counts:
    """Everyone stored, those seen since ``since``, and the ratings, completed breaks and
    completed practices since then."""
    return Counts(
        people=await _count(session, User, sa.true()),
        active=await _count(session, User, col(User.last_seen_at) >= since),
        ratings=await _count(session, MoodRating, col(MoodRating.rated_at) >= since),
        breaks=await _count(
            session,
            Break,
            col(Break.status) == BreakStatus.COMPLETED,
            col(Break.ended_at) >= since,
        ),
        practices=await _count(
            session,
            PracticeSession,
            col(PracticeSession.status) == PracticeStatus.COMPLETED,
            col(PracticeSession.finished_at) >= since,
        ),
    )
