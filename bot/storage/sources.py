"""Words a person wrote, followed back to their message: an edited message updates its entry.

Only the entries listed here can be changed this way, each only where it belongs to the
person who edits (the message ids are theirs alone, and each update names their id too).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import together
from bot.storage.models import Break, MoodRating, SafetyPlan, WrittenFrom
from bot.storage.practice_models import GratitudeEntry, Phrase, PracticeAnswer, PracticeSession
from bot.storage.safety import PLAN_PARTS


def _owned(model: Any, user_id: int) -> Any:
    """The condition that a row of ``model`` belongs to the person."""
    if model is PracticeAnswer:
        sessions = sa.select(col(PracticeSession.id)).where(col(PracticeSession.user_id) == user_id)
        return col(PracticeAnswer.session_id).in_(sessions)
    return model.user_id == user_id


# entry name: the table, the column of words, and the column that names the row
_ENTRIES: dict[str, tuple[Any, str, str]] = {
    "mood_ratings:note": (MoodRating, "note", "id"),
    "breaks:difficulty": (Break, "difficulty", "id"),
    "breaks:need": (Break, "need", "id"),
    "practice_answers:text": (PracticeAnswer, "text", "id"),
    "gratitude_entries:text": (GratitudeEntry, "text", "id"),
    "phrases:text": (Phrase, "text", "id"),
    **{f"safety_plans:{part}": (SafetyPlan, part, "user_id") for part in PLAN_PARTS},
}


def remembered(
    session: AsyncSession, *, user_id: int, message_id: int, entry: str, row_id: int, now: datetime
) -> Any:
    """The write noting that the words of a message were stored as ``entry`` of one row
    (one statement, to send with the step's other writes: ``together.execute_with``)."""
    if entry not in _ENTRIES:
        raise ValueError(f"unknown entry {entry!r}")
    statement = together.insert(session, WrittenFrom).values(
        user_id=user_id, message_id=message_id, entry=entry, row_id=row_id, written_at=now
    )
    return statement.on_conflict_do_update(
        index_elements=["user_id", "message_id"],
        set_={
            "entry": statement.excluded.entry,
            "row_id": statement.excluded.row_id,
            "written_at": statement.excluded.written_at,
        },
    )


async def apply_edit(session: AsyncSession, *, user_id: int, message_id: int, text: str) -> bool:
    """Put the edited words where the first version went; whether there was such an entry."""
    found = (
        await session.exec(
            select(WrittenFrom).where(
                col(WrittenFrom.user_id) == user_id, col(WrittenFrom.message_id) == message_id
            )
        )
    ).first()
    if found is None or found.entry not in _ENTRIES:
        return False
    model, column, key = _ENTRIES[found.entry]
    result = await session.exec(
        sa.update(model)
        .where(getattr(model, key) == found.row_id, _owned(model, user_id))
        .values({column: text})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
