"""Retention: entries older than the operator's chosen months are deleted, for everyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import (
    UNDECIDED_STATUSES,
    Break,
    Delivery,
    MoodRating,
    ScreenHit,
    WrittenFrom,
)
from bot.storage.practice_models import GratitudeEntry, PracticeSession

# each kind of entry and the instant that dates it (ratings of a break go with the break)
_DATED: tuple[tuple[Any, Any], ...] = (
    (Break, Break.started_at),
    (MoodRating, MoodRating.rated_at),
    (PracticeSession, PracticeSession.started_at),  # with its answers
    (GratitudeEntry, GratitudeEntry.created_at),
    (ScreenHit, ScreenHit.at),
    (WrittenFrom, WrittenFrom.written_at),  # which message held which words
)


async def delete_older_than(session: AsyncSession, *, cutoff: dt.datetime) -> dict[str, int]:
    """Delete everyone's entries dated before ``cutoff``; how many rows, by table."""
    deleted: dict[str, int] = {}
    for model, column in _DATED:
        result = await session.exec(
            sa.delete(model)
            .where(col(column) < cutoff)
            .execution_options(synchronize_session=False)
        )
        deleted[model.__tablename__] = int(result.rowcount or 0)
    done = await session.exec(
        sa.delete(Delivery)
        .where(
            col(Delivery.due_at) < cutoff,
            col(Delivery.status).not_in(UNDECIDED_STATUSES),
        )
        .execution_options(synchronize_session=False)
    )
    deleted[Delivery.__tablename__] = int(done.rowcount or 0)
    return deleted
