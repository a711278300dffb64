"""Where each person is in a guided conversation: one row per person, moved on by version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import together
from bot.storage.models import Conversation, User


class PersonAndConversation(NamedTuple):
    """The person an update comes from (None if not stored), their conversation and the
    record it is about (a break, a rating), each None when there is none."""

    user: User | None
    conversation: Conversation | None
    record: SQLModel | None


# the first key of each person's lock ("kbpr"); two-key advisory locks never meet the
# one-key locks of the sending turn and the migrations
PERSON_LOCK_SPACE = 0x6B627072


def person_lock_key(telegram_id: int) -> int:
    """A person's id folded into the second (signed 32-bit) key of their lock."""
    folded = (telegram_id ^ (telegram_id >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


async def hold_person(session: AsyncSession, *, telegram_id: int) -> None:
    """Take the person's turn until the transaction ends (PostgreSQL; SQLite needs none).

    Several instances may each get one of a person's updates at the same moment; the
    second waits here until the first has committed, then reads what it left, as updates
    on one instance wait for each other (``PerPersonOrder``). Two people whose ids fold to
    the same key only wait for each other a moment.
    """
    if together.dialect_name(session) != "postgresql":
        return
    key = person_lock_key(telegram_id)
    await session.exec(select(sa.func.pg_advisory_xact_lock(PERSON_LOCK_SPACE, key)))


async def get_person_and_conversation(
    session: AsyncSession,
    *,
    telegram_id: int,
    records: Mapping[str, type[SQLModel]] | None = None,
) -> PersonAndConversation:
    """The person, their conversation and the record it is about, in one query.

    ``records`` names, by flow, the table whose row the flow's ``ref`` is (a table with
    ``id`` and ``user_id``). While the caller holds the record, ``session.get`` hands it
    out without another round trip (the session keeps only weak references).
    """
    query = _person_query(tuple((records or {}).items()))
    result = await session.exec(query, params={"telegram_id": telegram_id})
    row = result.first()
    if row is None:
        return PersonAndConversation(None, None, None)
    record = next((found for found in row[2:] if found is not None), None)
    return PersonAndConversation(row[0], row[1], record)


@lru_cache(maxsize=16)
def _person_query(records: tuple[tuple[str, type[SQLModel]], ...]) -> Any:
    """The query of ``get_person_and_conversation`` for these records, built once (a
    statement is immutable; only the Telegram id, a parameter, changes per update)."""
    query: Any = select(User, Conversation).join(
        Conversation, col(Conversation.user_id) == col(User.id), isouter=True
    )
    flows_by_model: dict[type[SQLModel], list[str]] = {}
    for flow, model in records:
        flows_by_model.setdefault(model, []).append(flow)
    for model, flows in flows_by_model.items():
        table: Any = model
        query = query.join(
            model,
            sa.and_(
                col(Conversation.flow).in_(flows),
                table.id == col(Conversation.ref),
                table.user_id == col(User.id),
            ),
            isouter=True,
        ).add_columns(model)
    where = col(User.telegram_id) == sa.bindparam("telegram_id", type_=sa.BigInteger)
    return query.where(where).execution_options(populate_existing=True)


async def get_conversation(session: AsyncSession, *, user_id: int) -> Conversation | None:
    """The user's current conversation, if any (read fresh from the database)."""
    result = await session.exec(
        select(Conversation)
        .where(Conversation.user_id == user_id)
        .execution_options(populate_existing=True)
    )
    return result.first()


async def save_conversation(
    session: AsyncSession,
    *,
    user_id: int,
    flow: str,
    state: str,
    ref: int,
    now: datetime,
    expires_at: datetime,
    expected_version: int | None,
    held_note: str | None = None,
    along: Sequence[Any] = (),
) -> bool:
    """Move the conversation on; False if another update changed it first.

    The session's unflushed changes to other rows, and the writes in ``along``, go with
    it in one round trip where the database allows (``together.execute_with``).
    """
    statement: Any
    if expected_version is None:
        statement = (
            together.insert(session, Conversation)
            .values(
                user_id=user_id,
                flow=flow,
                state=state,
                ref=ref,
                version=1,
                updated_at=now,
                expires_at=expires_at,
                held_note=held_note,
                paused_by=None,
                undelivered=False,
            )
            # started a moment ago by another update (maybe on another instance)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
    else:
        statement = (
            sa.update(Conversation)
            .where(
                col(Conversation.user_id) == user_id, col(Conversation.version) == expected_version
            )
            .values(
                flow=flow,
                state=state,
                ref=ref,
                paused_by=None,  # a step that moves on is not paused
                held_note=held_note,
                undelivered=False,  # its step is about to be sent
                version=Conversation.version + 1,
                updated_at=now,
                expires_at=expires_at,
            )
        )
    # the database decides; objects in memory must not be "evaluated" into a new version
    result: Any = await together.execute_with(
        session, statement.execution_options(synchronize_session=False), along
    )
    return bool(result.rowcount)


async def mark_undelivered(session: AsyncSession, *, user_id: int, undelivered: bool) -> bool:
    """Note whether the step's message failed to reach the person (the version stays);
    False when they have no conversation."""
    result = await session.exec(
        sa.update(Conversation)
        .where(col(Conversation.user_id) == user_id)
        .values(undelivered=undelivered)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def delete_conversation(
    session: AsyncSession,
    *,
    user_id: int,
    expected_version: int | None = None,
    along: Sequence[Any] = (),
) -> bool:
    """End the user's conversation; False if another update changed it first (with
    ``along`` and the session's unflushed changes as in ``save_conversation``)."""
    query = sa.delete(Conversation).where(col(Conversation.user_id) == user_id)
    if expected_version is not None:
        query = query.where(col(Conversation.version) == expected_version)
    result: Any = await together.execute_with(
        session, query.execution_options(synchronize_session=False), along
    )
    return bool(result.rowcount)


async def expired_conversations(
    session: AsyncSession, *, now: datetime, limit: int = 500
) -> Sequence[Conversation]:
    """Conversations whose timeout has passed."""
    result = await session.exec(
        select(Conversation).where(Conversation.expires_at <= now).limit(limit)
    )
    return result.all()
