"""Every SQL statement about safety: screen hits, paused conversations and safety plans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Conversation, SafetyPlan, ScreenHit

# the parts of a safety plan, in the order the guided flow asks for them
PLAN_PARTS = (
    "warning_signs",
    "coping",
    "distractions",
    "people",
    "professionals",
    "environment",
    "reasons",
)


async def record_hit(
    session: AsyncSession,
    *,
    user_id: int,
    now: datetime,
    level: str,
    categories: Iterable[str],
    place: str,
    held_text: str | None = None,
) -> ScreenHit:
    """Store that the screen saw danger in a message (its level and categories, not the text)."""
    hit = ScreenHit(
        user_id=user_id,
        at=now,
        level=level,
        categories=",".join(sorted(categories))[:256],
        place=place[:64],
        held_text=held_text,
    )
    session.add(hit)
    await session.flush()
    return hit


async def get_hit(session: AsyncSession, *, hit_id: int, user_id: int) -> ScreenHit | None:
    """One of this person's screen hits (None for anyone else's id)."""
    result = await session.exec(
        select(ScreenHit).where(ScreenHit.id == hit_id, ScreenHit.user_id == user_id)
    )
    return result.first()


async def latest_hit(session: AsyncSession, *, user_id: int) -> ScreenHit | None:
    """The person's most recent screen hit."""
    result = await session.exec(
        select(ScreenHit)
        .where(ScreenHit.user_id == user_id)
        .order_by(col(ScreenHit.at).desc(), col(ScreenHit.id).desc())
        .limit(1)
    )
    return result.first()


async def answer_hit(
    session: AsyncSession, *, hit: ScreenHit, answer: str, now: datetime
) -> ScreenHit:
    """Store how the person answered "are you safe right now?"."""
    hit.answer = answer
    hit.answered_at = now
    session.add(hit)
    await session.flush()
    return hit


async def take_held_text(session: AsyncSession, *, hit: ScreenHit) -> str | None:
    """The words that paused a flow, removed from the hit as they are handed back."""
    text, hit.held_text = hit.held_text, None
    session.add(hit)
    await session.flush()
    return text


async def hit_counts(session: AsyncSession, *, user_id: int) -> dict[str, Counter[str]]:
    """How often the screen saw danger, by level and by category (for the person's own export)."""
    result = await session.exec(
        select(ScreenHit.level, ScreenHit.categories).where(ScreenHit.user_id == user_id)
    )
    levels: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for level, joined in result.all():
        levels[level] += 1
        categories.update(c for c in joined.split(",") if c)
    return {"levels": levels, "categories": categories}


async def set_paused(
    session: AsyncSession,
    *,
    user_id: int,
    paused_by: int | None,
    now: datetime,
    expected_version: int,
) -> bool:
    """Pause (a hit id) or resume (None) the person's conversation; False if it moved meanwhile."""
    result = await session.exec(
        sa.update(Conversation)
        .where(col(Conversation.user_id) == user_id, col(Conversation.version) == expected_version)
        .values(paused_by=paused_by, version=Conversation.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def get_plan(session: AsyncSession, *, user_id: int) -> SafetyPlan | None:
    """The person's safety plan, if they made one."""
    result = await session.exec(select(SafetyPlan).where(SafetyPlan.user_id == user_id))
    return result.first()


async def save_plan_part(
    session: AsyncSession, *, user_id: int, part: str, text: str | None, now: datetime
) -> SafetyPlan:
    """Write (or clear) one part of the person's safety plan, creating the plan if needed."""
    if part not in PLAN_PARTS:
        raise ValueError(f"no safety plan part {part!r}")
    plan = await get_plan(session, user_id=user_id) or SafetyPlan(user_id=user_id, updated_at=now)
    setattr(plan, part, text)
    plan.updated_at = now
    session.add(plan)
    await session.flush()
    return plan


def filled_parts(plan: SafetyPlan | None) -> list[tuple[str, str]]:
    """The parts of a plan that have words in them, in plan order."""
    if plan is None:
        return []
    return [(part, text) for part in PLAN_PARTS if (text := getattr(plan, part))]
