"""A person's entries for /history: a page newest first, one entry, correcting and deleting.

Every statement names the person's own id, so an id from someone else finds nothing.
Kinds: ``r`` a rating (not one given inside a break: that belongs to the break),
``b`` a break, ``p`` a practice (gratitude ones show as their notes), ``g`` a gratitude note.
Breaks and practices still under way are left out until they end.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.records import BreakEntry, NoteEntry, PracticeEntry, RatingEntry
from bot.storage.export_data import break_entry, load_practices
from bot.storage.models import Break, BreakStatus, MoodRating, RatingTag
from bot.storage.practice_models import GratitudeEntry, PracticeSession, PracticeStatus

KINDS = ("r", "b", "p", "g")
Entry = RatingEntry | BreakEntry | PracticeEntry | NoteEntry
_MODELS: dict[str, Any] = {
    "r": MoodRating,
    "b": Break,
    "p": PracticeSession,
    "g": GratitudeEntry,
}


def _refs(user_id: int) -> sa.CompoundSelect[Any]:
    """(kind, id, instant) of every entry of the person, as one union."""
    return sa.union_all(
        sa.select(
            sa.literal("r").label("kind"), col(MoodRating.id), col(MoodRating.rated_at).label("at")
        ).where(col(MoodRating.user_id) == user_id, col(MoodRating.break_id).is_(None)),
        sa.select(sa.literal("b"), col(Break.id), col(Break.started_at)).where(
            col(Break.user_id) == user_id, col(Break.status) != BreakStatus.IN_PROGRESS
        ),
        sa.select(sa.literal("p"), col(PracticeSession.id), col(PracticeSession.started_at)).where(
            col(PracticeSession.user_id) == user_id,
            col(PracticeSession.status) != PracticeStatus.IN_PROGRESS,
            col(PracticeSession.kind) != "gratitude",
        ),
        sa.select(sa.literal("g"), col(GratitudeEntry.id), col(GratitudeEntry.created_at)).where(
            col(GratitudeEntry.user_id) == user_id
        ),
    )


async def page(
    session: AsyncSession, *, user_id: int, offset: int, size: int
) -> tuple[list[tuple[str, Entry]], bool]:
    """Up to ``size`` entries from ``offset``, newest first, and whether older ones remain."""
    refs = _refs(user_id).subquery()
    query = (
        sa.select(refs.c.kind, refs.c.id)
        .order_by(refs.c.at.desc(), refs.c.id.desc(), refs.c.kind)
        .offset(offset)
        .limit(size + 1)
    )
    rows = list((await session.exec(query)).all())  # type: ignore[call-overload]
    found = [
        await get_entry(session, user_id=user_id, kind=kind, entry_id=i) for kind, i in rows[:size]
    ]
    entries = [(kind, entry) for (kind, _i), entry in zip(rows[:size], found, strict=True) if entry]
    return entries, len(rows) > size


async def get_entry(
    session: AsyncSession, *, user_id: int, kind: str, entry_id: int
) -> Entry | None:
    """One entry of the person, or None (not theirs, gone, or still under way)."""
    read = _READERS.get(kind)
    return await read(session, user_id, entry_id) if read else None


async def _rating(session: AsyncSession, user_id: int, entry_id: int) -> Entry | None:
    rating = (
        await session.exec(
            select(MoodRating).where(
                MoodRating.id == entry_id,
                MoodRating.user_id == user_id,
                col(MoodRating.break_id).is_(None),
            )
        )
    ).first()
    if rating is None:
        return None
    tags = await session.exec(select(RatingTag.tag).where(RatingTag.rating_id == entry_id))
    return RatingEntry(
        entry_id, rating.rated_at, rating.value, rating.kind, rating.note, tuple(sorted(tags.all()))
    )


async def _break(session: AsyncSession, user_id: int, entry_id: int) -> Entry | None:
    found = (
        await session.exec(
            select(Break).where(
                Break.id == entry_id,
                Break.user_id == user_id,
                Break.status != BreakStatus.IN_PROGRESS,
            )
        )
    ).first()
    return break_entry(found) if found else None


async def _practice(session: AsyncSession, user_id: int, entry_id: int) -> Entry | None:
    practices = await load_practices(session, user_id=user_id, ids=[entry_id])
    done = practices and practices[0].status != PracticeStatus.IN_PROGRESS
    return practices[0] if done else None


async def _note(session: AsyncSession, user_id: int, entry_id: int) -> Entry | None:
    note = (
        await session.exec(
            select(GratitudeEntry).where(
                GratitudeEntry.id == entry_id, GratitudeEntry.user_id == user_id
            )
        )
    ).first()
    return NoteEntry(entry_id, note.created_at, note.text) if note else None


# the one-letter kinds history buttons carry: rating, break, practice, gratitude note
_READERS: dict[str, Callable[[AsyncSession, int, int], Awaitable[Entry | None]]] = {
    "r": _rating,
    "b": _break,
    "p": _practice,
    "g": _note,
}


async def correct_rating(
    session: AsyncSession, *, user_id: int, rating_id: int, value: int
) -> bool:
    """Give one of the person's own ratings a new value; False if it is not theirs."""
    if not 0 <= value <= 10:
        raise ValueError("a rating is 0 to 10")
    result = await session.exec(
        sa.update(MoodRating)
        .where(
            col(MoodRating.id) == rating_id,
            col(MoodRating.user_id) == user_id,
            col(MoodRating.break_id).is_(None),
        )
        .values(value=value)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def delete_entry(session: AsyncSession, *, user_id: int, kind: str, entry_id: int) -> bool:
    """Delete one of the person's entries (with its tags, answers or ratings); False if not theirs."""
    if await get_entry(session, user_id=user_id, kind=kind, entry_id=entry_id) is None:
        return False
    model = _MODELS[kind]
    result = await session.exec(
        sa.delete(model)
        .where(model.id == entry_id, model.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
