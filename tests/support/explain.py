"""The database's own plan for a product query, to check that it uses its index."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.periods import ratings_query


async def explain_ratings_query(
    session: AsyncSession, *, user_id: int, since: dt.datetime, until: dt.datetime
) -> list[str]:
    """The database's plan for the ratings query (to check it uses ``ix_mood_user_time``)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    # compiled by the plain dialect with named parameters, then sent as text with the same
    # column types, so the values are stored-format exactly as in the real query
    plain = (
        SQLiteDialect(paramstyle="named") if sqlite else PGDialect(paramstyle="named")  # type: ignore[no-untyped-call]
    )
    compiled = ratings_query(user_id=user_id, since=since, until=until).compile(dialect=plain)
    params = [
        sa.bindparam(name, value, type_=compiled.binds[name].type)
        for name, value in compiled.params.items()
    ]
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    connection = await session.connection()
    rows = await connection.execute(sa.text(prefix + str(compiled)).bindparams(*params))
    # SQLite: (id, parent, notused, detail); PostgreSQL: one text column per plan line
    return [str(row[-1]) for row in rows]
