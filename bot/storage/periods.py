"""One person's records around a period, for their summary: three indexed queries.

The ratings (with their feeling tags) of the period and the one before it, by
``ix_mood_user_time``, the breaks of the period, by ``ix_breaks_user_time``, and its
other practices, by ``ix_practice_user_time``. Nobody else's rows are read.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.samples import BreakRecord, PeriodRecords, PracticeRecord, Rating
from bot.core.stats import period_bounds
from bot.storage.models import Break, BreakStatus, MoodRating, RatingTag
from bot.storage.practice_models import PracticeSession, PracticeStatus

WEEK = 7
MONTH = 30
# Local midnights are turned into UTC instants with a margin wider than any daylight-saving
# shift, so no rating of the period is missed; ``summarize`` then keeps exact local dates.
_MARGIN = dt.timedelta(hours=3)


def query_window(
    period_end: dt.datetime, zone: str, days: int
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """UTC bounds around the period: start of the previous one, start of this one, its end."""
    start, end = period_bounds(period_end, zone, days)
    tz = ZoneInfo(zone)

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)

    return (
        midnight(start - dt.timedelta(days=days)) - _MARGIN,
        midnight(start) - _MARGIN,
        midnight(end + dt.timedelta(days=1)) + _MARGIN,
    )


def ratings_query(
    *, user_id: int, since: dt.datetime, until: dt.datetime
) -> sa.Select[int | None, dt.datetime, int, str, str]:
    """One person's ratings in ``[since, until)`` with one row per feeling tag (or none)."""
    return (
        sa.select(
            col(MoodRating.id),
            col(MoodRating.rated_at),
            col(MoodRating.value),
            col(MoodRating.kind),
            col(RatingTag.tag),
        )
        .select_from(MoodRating)
        .outerjoin(RatingTag, col(RatingTag.rating_id) == col(MoodRating.id))
        .where(
            col(MoodRating.user_id) == user_id,
            col(MoodRating.rated_at) >= since,
            col(MoodRating.rated_at) < until,
        )
        .order_by(col(MoodRating.rated_at), col(MoodRating.id))
    )


def breaks_query(
    *, user_id: int, since: dt.datetime, until: dt.datetime
) -> sa.Select[dt.datetime, int | None, int | None, str]:
    """One person's breaks started in ``[since, until)``."""
    return (
        sa.select(
            col(Break.started_at),
            col(Break.mood_before),
            col(Break.mood_after),
            col(Break.status),
        )
        .where(
            col(Break.user_id) == user_id,
            col(Break.started_at) >= since,
            col(Break.started_at) < until,
        )
        .order_by(col(Break.started_at), col(Break.id))
    )


def practices_query(
    *, user_id: int, since: dt.datetime, until: dt.datetime
) -> sa.Select[dt.datetime, int | None, int | None, str, str]:
    """One person's practices (beyond the break) started in ``[since, until)``."""
    return (
        sa.select(
            col(PracticeSession.started_at),
            col(PracticeSession.mood_before),
            col(PracticeSession.mood_after),
            col(PracticeSession.status),
            col(PracticeSession.kind),
        )
        .where(
            col(PracticeSession.user_id) == user_id,
            col(PracticeSession.started_at) >= since,
            col(PracticeSession.started_at) < until,
        )
        .order_by(col(PracticeSession.started_at), col(PracticeSession.id))
    )


async def load_period(
    session: AsyncSession, *, user_id: int, zone: str, period_end: dt.datetime, days: int
) -> PeriodRecords:
    """The person's ratings of the period and the one before, and the breaks and practices
    of the period."""
    previous_start, start, until = query_window(period_end, zone, days)
    connection = await session.connection()  # plain rows, no ORM objects to build
    rows = await connection.execute(
        ratings_query(user_id=user_id, since=previous_start, until=until)
    )
    found: dict[int | None, tuple[dt.datetime, int, str, list[str]]] = {}
    for rating_id, rated_at, value, kind, tag in rows:  # one row per tag, in time order
        entry = found.setdefault(rating_id, (rated_at, value, kind, []))
        if tag is not None:
            entry[3].append(tag)
    ratings = tuple(
        Rating(at=at, value=value, kind=kind, tags=tuple(sorted(tags)))
        for at, value, kind, tags in found.values()
    )

    breaks = tuple(
        BreakRecord(
            started_at=started_at,
            before=before,
            after=after,
            completed=status == BreakStatus.COMPLETED,
        )
        for started_at, before, after, status in await connection.execute(
            breaks_query(user_id=user_id, since=start, until=until)
        )
    )
    practices = tuple(
        PracticeRecord(
            started_at=started_at,
            before=before,
            after=after,
            completed=status == PracticeStatus.COMPLETED,
            kind=kind,
        )
        for started_at, before, after, status, kind in await connection.execute(
            practices_query(user_id=user_id, since=start, until=until)
        )
    )
    return PeriodRecords(ratings=ratings, breaks=breaks, practices=practices)
