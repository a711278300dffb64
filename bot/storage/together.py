"""Writes sent together: on PostgreSQL, several statements in one round trip.

A step usually changes its record (the break row's step, a rating's note), notes where
the words came from, and moves the conversation on. On PostgreSQL the writes that wait
go as data-modifying ``WITH`` parts of the move's own statement: one round trip instead
of one each. They touch other rows than the move, and they run in the same transaction,
so a move refused (another update was first) takes them back with it. SQLite, in the
same process, runs them one after another as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Result
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel.ext.asyncio.session import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    """The name of the database the session writes to (``postgresql``, ``sqlite``)."""
    return session.get_bind().dialect.name


def insert(session: AsyncSession, model: Any) -> Any:
    """An INSERT of ``model`` that can say what to do on a conflict (``on_conflict_do_*``)."""
    if dialect_name(session) == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def unflushed_updates(session: AsyncSession, *, besides: sa.Table) -> list[sa.Update]:
    """The session's unflushed changes to stored rows, as one UPDATE a row; the rows then
    count as stored. Rows of ``besides`` (the table the caller writes itself) stay."""
    updates: list[sa.Update] = []
    for row in list(session.dirty):
        state: Any = sa.inspect(row)
        mapper = state.mapper
        if not state.persistent or mapper.local_table is besides or state.identity is None:
            continue
        table: Any = mapper.local_table
        changed: dict[str, Any] = {}
        for attr in mapper.column_attrs:
            history = state.attrs[attr.key].history
            if history.added:
                changed[attr.key] = history.added[0]
        if not changed:
            continue
        keys = [
            table.c[column.name] == value
            for column, value in zip(mapper.primary_key, state.identity, strict=True)
        ]
        values = {table.c[mapper.attrs[key].columns[0].name]: v for key, v in changed.items()}
        updates.append(sa.update(table).where(*keys).values(values))
        for key, value in changed.items():
            set_committed_value(row, key, value)
    return updates


async def execute_with(
    session: AsyncSession, statement: Any, along: Sequence[Any] = ()
) -> Result[Any]:
    """Execute ``statement`` (an INSERT, UPDATE or DELETE) with ``along`` and the session's
    unflushed changes to other tables: on PostgreSQL in the statement itself, one round
    trip; elsewhere one after another, before it. Its result is the statement's own."""
    if dialect_name(session) != "postgresql":
        for write in along:
            await session.exec(write)
        result: Result[Any] = await session.exec(statement)
        return result
    table = statement.table
    writes = [*unflushed_updates(session, besides=table), *along]
    for number, write in enumerate(writes, start=1):
        statement = statement.add_cte(write.cte(f"written_{number}"))
    combined: Result[Any] = await session.exec(statement)
    return combined
