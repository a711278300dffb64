"""Queries and writes. Every function takes the session explicitly, keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import together
from bot.storage.models import (
    Break,
    BreakStatus,
    Delivery,
    MoodRating,
    RatingKind,
    RatingTag,
    User,
)

# last_seen_at is written at most this often
SEEN_EVERY = timedelta(minutes=1)


class FoundUser(NamedTuple):
    """A user found or created for an update."""

    user: User
    created: bool
    reactivated: bool  # they had blocked the bot and are back


async def get_user(session: AsyncSession, *, telegram_id: int) -> User | None:
    """The user with this Telegram id, if known."""
    result = await session.exec(select(User).where(User.telegram_id == telegram_id))
    return result.first()


async def touch_user(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    language_code: str | None,
    now: datetime,
) -> FoundUser:
    """Find or create the user and mark them seen and active again."""
    user = await get_user(session, telegram_id=telegram_id)
    created = False
    if user is None:
        user = User(
            telegram_id=telegram_id,
            first_name=first_name[:128],
            language_code=(language_code or None) and language_code[:16],
            created_at=now,
            last_seen_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(user)
        except IntegrityError:  # another instance created them a moment ago
            found = await get_user(session, telegram_id=telegram_id)
            if found is None:
                raise
            user = found
        else:
            created = True
    reactivated = await mark_seen(session, user=user, language_code=language_code, now=now)
    return FoundUser(user, created, reactivated)


async def mark_seen(
    session: AsyncSession, *, user: User, language_code: str | None, now: datetime
) -> bool:
    """Mark a stored person seen and active again; True if they had blocked the bot."""
    reactivated = not user.active
    if now - user.last_seen_at >= SEEN_EVERY:  # not a write on every tap
        user.last_seen_at = now
    user.active = True
    if language_code:
        user.language_code = language_code[:16]
    # unchanged values are not written: most updates change nothing here
    session.add(user)
    await session.flush()
    return reactivated


async def record_consent(session: AsyncSession, *, user: User, now: datetime) -> None:
    """Note when the person agreed to what is stored."""
    if user.consented_at is None:
        user.consented_at = now
        session.add(user)
        await session.flush()


async def set_time_zone(session: AsyncSession, *, user: User, zone: str) -> None:
    """Store the user's IANA time zone."""
    user.time_zone = zone
    session.add(user)
    await session.flush()


async def add_rating(
    session: AsyncSession,
    *,
    user_id: int,
    value: int,
    kind: str,
    now: datetime,
    note: str | None = None,
    break_id: int | None = None,
) -> MoodRating | None:
    """Store a mood rating; None if this break already has a rating of this kind."""
    if not 0 <= value <= 10:
        raise ValueError(f"mood value out of range: {value}")
    statement = (
        together.insert(session, MoodRating)
        .values(user_id=user_id, value=value, kind=kind, note=note, rated_at=now, break_id=break_id)
        .on_conflict_do_nothing(index_elements=["break_id", "kind"])
        .returning(MoodRating)
    )
    result = await session.exec(statement)
    stored: MoodRating | None = result.scalars().first()
    return stored


async def get_rating(session: AsyncSession, *, rating_id: int, user_id: int) -> MoodRating | None:
    """A rating of this user by id (no query if the session holds it already)."""
    rating = await session.get(MoodRating, rating_id)
    return rating if rating is not None and rating.user_id == user_id else None


async def list_ratings(
    session: AsyncSession, *, user_id: int, since: datetime | None = None
) -> Sequence[MoodRating]:
    """A user's ratings, oldest first (optionally only from ``since``)."""
    query = select(MoodRating).where(MoodRating.user_id == user_id)
    if since is not None:
        query = query.where(MoodRating.rated_at >= since)
    result = await session.exec(query.order_by(col(MoodRating.rated_at), col(MoodRating.id)))
    return result.all()


async def start_break(session: AsyncSession, *, user_id: int, now: datetime) -> Break:
    """Create a new break in progress; its ``variant`` is how many the person started before."""
    started_before = (
        sa.select(sa.func.count()).select_from(Break).where(col(Break.user_id) == user_id)
    ).scalar_subquery()
    result = await session.exec(
        sa.insert(Break)
        .values(user_id=user_id, started_at=now, variant=started_before)
        .returning(Break)
    )
    break_row: Break = result.scalars().one()
    return break_row


async def get_break(session: AsyncSession, *, break_id: int, user_id: int) -> Break | None:
    """A break of this user by id (no query if the session holds it already, as after the
    router loaded it with the conversation)."""
    break_row = await session.get(Break, break_id)
    return break_row if break_row is not None and break_row.user_id == user_id else None


async def list_breaks(
    session: AsyncSession, *, user_id: int, since: datetime | None = None
) -> Sequence[Break]:
    """A user's breaks, oldest first (optionally only from ``since``)."""
    query = select(Break).where(Break.user_id == user_id)
    if since is not None:
        query = query.where(Break.started_at >= since)
    result = await session.exec(query.order_by(col(Break.started_at), col(Break.id)))
    return result.all()


async def end_break(
    session: AsyncSession, *, break_row: Break, status: BreakStatus, now: datetime
) -> None:
    """Mark a break completed or abandoned (once)."""
    if break_row.status != BreakStatus.IN_PROGRESS:
        return
    break_row.status = status
    break_row.ended_at = now
    session.add(break_row)  # written with the next statement (or the commit)


async def get_delivery(
    session: AsyncSession, *, delivery_id: int, user_id: int, kind: str
) -> Delivery | None:
    """A delivery of this person by id and kind."""
    result = await session.exec(
        select(Delivery).where(
            Delivery.id == delivery_id, Delivery.user_id == user_id, Delivery.kind == kind
        )
    )
    return result.first()


async def get_tags(session: AsyncSession, *, rating_id: int) -> set[str]:
    """The feeling tags chosen with one rating."""
    result = await session.exec(select(RatingTag.tag).where(RatingTag.rating_id == rating_id))
    return set(result.all())


async def toggle_tag(session: AsyncSession, *, rating_id: int, tag: str) -> set[str]:
    """Add the tag to the rating, or take it off if it is there; returns the tags now chosen."""
    existing = await session.get(RatingTag, (rating_id, tag))
    if existing is not None:
        await session.delete(existing)
    else:
        try:
            async with session.begin_nested():
                session.add(RatingTag(rating_id=rating_id, tag=tag))
        except IntegrityError:
            pass
    await session.flush()
    return await get_tags(session, rating_id=rating_id)


async def tags_by_rating(
    session: AsyncSession, *, rating_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """Feeling tags for many ratings at once."""
    if not rating_ids:
        return {}
    result = await session.exec(
        select(RatingTag).where(col(RatingTag.rating_id).in_(list(rating_ids)))
    )
    tags: dict[int, list[str]] = {}
    for row in result.all():
        tags.setdefault(row.rating_id, []).append(row.tag)
    return {k: tuple(sorted(v)) for k, v in tags.items()}


async def recent_tags(session: AsyncSession, *, user_id: int, since: datetime) -> set[str]:
    """The feelings picked with the person's latest check-in or quick rating since ``since``."""
    latest = (
        select(MoodRating.id)
        .where(
            MoodRating.user_id == user_id,
            MoodRating.rated_at >= since,
            col(MoodRating.kind).in_([RatingKind.CHECKIN, RatingKind.QUICK]),
        )
        .order_by(col(MoodRating.rated_at).desc(), col(MoodRating.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    # ratings and tags are written at once (``add_rating``, ``toggle_tag``): the session's
    # other changes need not be flushed first, they go with the step's next write
    with session.no_autoflush:
        result = await session.exec(select(RatingTag.tag).where(RatingTag.rating_id == latest))
    return set(result.all())
