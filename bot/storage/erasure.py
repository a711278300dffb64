"""Erasing a person: every row of theirs in every table, then the person."""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import models, practice_models  # noqa: F401  (registers the tables)
from bot.storage.models import Break, MoodRating, SafetyPlan, User
from bot.storage.practice_models import GratitudeEntry, Phrase, PracticeSession


class Holdings(NamedTuple):
    """What erasing would take away, counted for the confirmation."""

    ratings: int
    breaks: int
    safety_plan: bool
    practices: int = 0
    gratitude: int = 0
    phrases: int = 0


async def _count(session: AsyncSession, model: type[SQLModel], user_id: int) -> int:
    owner = model.__table__.c.user_id  # type: ignore[attr-defined]
    result = await session.exec(select(func.count()).select_from(model).where(owner == user_id))
    return result.one()


async def count_holdings(session: AsyncSession, *, user_id: int) -> Holdings:
    """How many entries of each kind the person has."""
    plan = await session.exec(select(SafetyPlan.user_id).where(SafetyPlan.user_id == user_id))
    return Holdings(
        ratings=await _count(session, MoodRating, user_id),
        breaks=await _count(session, Break, user_id),
        safety_plan=plan.first() is not None,
        practices=await _count(session, PracticeSession, user_id),
        gratitude=await _count(session, GratitudeEntry, user_id),
        phrases=await _count(session, Phrase, user_id),
    )


def _owner_columns(table: sa.Table) -> list[sa.Column[int]]:
    """The columns of ``table`` that point at a person (a foreign key to users.id)."""
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys)
    ]


def _owned_rows(table: sa.Table, user_id: int) -> list[sa.ColumnElement[bool]]:
    """Conditions that pick the person's rows of ``table``: pointing at them, or at a row
    of theirs in another table (a practice's answers belong to their practice session)."""
    direct: list[sa.ColumnElement[bool]] = [c == user_id for c in _owner_columns(table)]
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            if parent.name == User.__tablename__:
                continue
            owners = _owner_columns(parent)
            if owners:
                mine = sa.select(fk.column).where(sa.or_(*(c == user_id for c in owners)))
                direct.append(column.in_(mine))
    return direct


async def erase_user(session: AsyncSession, *, user_id: int) -> None:
    """Delete everything of the person, table by table (so a table added later is covered
    even without a cascading key), dependants first, then the person."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        for condition in _owned_rows(table, user_id):
            await session.exec(sa.delete(table).where(condition))
    await session.exec(sa.delete(User).where(col(User.id) == user_id))
    session.expunge_all()
