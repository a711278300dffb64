"""Factories that store users, ratings, feeling tags and breaks directly in the database.

Every factory is keyword-only, takes the session explicitly and only flushes: the
caller decides when to commit. Times are aware; ``local`` builds one from a local
wall-clock time in an IANA zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Break, BreakStatus, MoodRating, RatingKind, RatingTag, User

DEFAULT_ZONE = "Europe/Berlin"
BREAK_MINUTES = 5
"""How long a factory break takes: its after-rating is stored this many minutes after it starts."""


def local(
    year: int,
    month: int,
    day: int,
    hour: int = 12,
    minute: int = 0,
    *,
    zone: str = DEFAULT_ZONE,
    fold: int = 0,
) -> datetime:
    """The UTC instant of a local wall-clock time (``fold=1``: the second of a repeated hour)."""
    wall = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone), fold=fold)
    return wall.astimezone(UTC)


async def create_user(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str = "Sam",
    time_zone: str | None = DEFAULT_ZONE,
    language_code: str | None = "en",
    active: bool = True,
    now: datetime | None = None,
) -> User:
    """A person, as if they had finished onboarding (no deliveries are planned)."""
    at = now or datetime(2026, 1, 1, tzinfo=UTC)
    user = User(
        telegram_id=telegram_id,
        first_name=first_name,
        language_code=language_code,
        time_zone=time_zone,
        active=active,
        created_at=at,
        last_seen_at=at,
    )
    session.add(user)
    await session.flush()
    return user


async def user_by_telegram_id(session: AsyncSession, *, telegram_id: int) -> User:
    """The stored person with this Telegram id (who must exist)."""
    return (await session.exec(select(User).where(User.telegram_id == telegram_id))).one()


async def create_rating(
    session: AsyncSession,
    *,
    user_id: int,
    value: int,
    at: datetime,
    kind: str = RatingKind.CHECKIN,
    tags: Iterable[str] = (),
    note: str | None = None,
    break_id: int | None = None,
) -> MoodRating:
    """One mood rating with its feeling tags."""
    rating = MoodRating(
        user_id=user_id, value=value, kind=kind, note=note, rated_at=at, break_id=break_id
    )
    session.add(rating)
    await session.flush()
    assert rating.id is not None
    for tag in dict.fromkeys(tags):
        session.add(RatingTag(rating_id=rating.id, tag=tag))
    await session.flush()
    return rating


async def create_ratings(
    session: AsyncSession,
    *,
    user_id: int,
    values: Iterable[tuple[datetime, int]],
    kind: str = RatingKind.CHECKIN,
) -> list[MoodRating]:
    """Several untagged ratings of one kind, from (instant, value) pairs."""
    return [
        await create_rating(session, user_id=user_id, value=value, at=at, kind=kind)
        for at, value in values
    ]


async def create_break(
    session: AsyncSession,
    *,
    user_id: int,
    started_at: datetime,
    before: int | None,
    after: int | None,
    status: BreakStatus = BreakStatus.COMPLETED,
    with_ratings: bool = True,
) -> Break:
    """A break; ``with_ratings`` also stores its before/after ratings, as the break flow does."""
    ended_at = (
        None if status == BreakStatus.IN_PROGRESS else started_at + timedelta(minutes=BREAK_MINUTES)
    )
    break_row = Break(
        user_id=user_id,
        started_at=started_at,
        ended_at=ended_at,
        status=status,
        last_step="mood_after" if status == BreakStatus.COMPLETED else "mood_before",
        steps_reached=7 if status == BreakStatus.COMPLETED else 1,
        mood_before=before,
        mood_after=after,
    )
    session.add(break_row)
    await session.flush()
    if with_ratings:
        for kind, value, at in (
            (RatingKind.BREAK_BEFORE, before, started_at),
            (RatingKind.BREAK_AFTER, after, started_at + timedelta(minutes=BREAK_MINUTES)),
        ):
            if value is not None:
                await create_rating(
                    session, user_id=user_id, value=value, at=at, kind=kind, break_id=break_row.id
                )
    return break_row
