"""Erasing a person: every row of theirs in every table, then the person."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import models  # noqa: F401  (registers the tables)
from bot.storage.models import Break, MoodRating, SafetyPlan, User


class Holdings(NamedTuple):
    """What erasing would take away, counted for the confirmation."""

    ratings: int
    breaks: int
    safety_plan: bool


async def count_holdings(session: AsyncSession, *, user_id: int) -> Holdings:
    """How many entries of each kind the person has."""
    ratings = await session.exec(
        select(func.count()).select_from(MoodRating).where(MoodRating.user_id == user_id)
    )
    breaks = await session.exec(
        select(func.count()).select_from(Break).where(Break.user_id == user_id)
    )
    plan = await session.exec(select(SafetyPlan.user_id).where(SafetyPlan.user_id == user_id))
    return Holdings(ratings.one(), breaks.one(), plan.first() is not None)


def _owner_columns(table: sa.Table) -> list[sa.Column[int]]:
    """The columns of ``table`` that point at a person (a foreign key to users.id)."""
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys)
    ]


async def erase_user(session: AsyncSession, *, user_id: int) -> None:
    """Delete everything of the person, table by table (so a table added later is covered
    even without a cascading key), dependants first, then the person."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        for column in _owner_columns(table):
            await session.exec(sa.delete(table).where(column == user_id))
    await session.exec(sa.delete(User).where(col(User.id) == user_id))
    session.expunge_all()
