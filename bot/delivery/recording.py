"""Recording what happened to sent deliveries, and planning each person's next slot.

Outcomes are recorded a wave at a time, as soon as the wave is sent, in the transaction
that marks the next wave as being sent; the next slots of a whole batch are planned
together once it is done (a few statements for the batch, see
``bot/storage/delivery_batches.py``). Both wait for a locked or unreachable database
(``RECORD_WAIT``): what was sent is worth recording late rather than not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col

from bot.delivery.planning import plan_next_batch
from bot.storage.availability import retrying
from bot.storage.db import SessionFactory
from bot.storage.deliveries import SNOOZE_MARK, ClaimedDelivery, DecidedSlot, mark_sending
from bot.storage.models import Delivery, DeliveryStatus, User

# how long recording waits for a locked or unreachable database
RECORD_WAIT = 60.0


@dataclass
class SendOutcome:
    """What happened to one claimed delivery."""

    status: DeliveryStatus
    message_id: int | None = None
    detail: str | None = None
    retry_at: datetime | None = None
    deactivate_user: bool = False
    sent_at: datetime | None = None


async def record_outcomes(
    sessions: SessionFactory,
    items: Sequence[ClaimedDelivery],
    outcomes: Mapping[int, SendOutcome],
    now: datetime,
    *,
    then_mark: Sequence[int] = (),
    instance: str = "",
) -> set[int]:
    """Store each delivery's outcome (one executemany) and who blocked the bot; with
    ``then_mark``, mark those claimed deliveries as being sent in the same transaction
    (one commit for a wave's outcomes and the next wave's start). Returns the marked ids
    still this ``instance``'s (only these may be sent)."""
    rows, blocked = _outcome_rows(items, outcomes, now)
    if not rows and not then_mark:
        return set()

    async def store() -> set[int]:
        async with sessions() as session:
            if rows:  # one executemany per shape of row, not one statement per delivery
                await session.exec(sa.update(Delivery), params=rows)
            if blocked:
                await session.exec(
                    sa.update(User).where(col(User.id).in_(blocked)).values(active=False)
                )
            mine = await mark_sending(session, ids=list(then_mark), instance=instance)
            await session.commit()
        return mine

    return await retrying(store, wait=RECORD_WAIT)


def _outcome_rows(
    items: Sequence[ClaimedDelivery], outcomes: Mapping[int, SendOutcome], now: datetime
) -> tuple[list[dict[str, object]], list[int]]:
    """The rows that record these outcomes, and the people who blocked the bot."""
    rows: list[dict[str, object]] = []
    blocked: list[int] = []
    for item in items:
        outcome = outcomes[item.id]
        row: dict[str, object] = {"id": item.id, "status": outcome.status, "detail": outcome.detail}
        if outcome.status == DeliveryStatus.SENT:
            row.update(sent_at=now, message_id=outcome.message_id)
        if outcome.status == DeliveryStatus.PENDING:
            row.update(next_attempt_at=outcome.retry_at or now, claimed_by=None)
        rows.append(row)
        if outcome.deactivate_user:
            blocked.append(item.user_id)
    return rows, blocked


def decided_slots(
    items: Sequence[ClaimedDelivery], outcomes: Mapping[int, SendOutcome]
) -> list[DecidedSlot]:
    """The slots settled by these outcomes (not those waiting for a retry)."""
    return [
        DecidedSlot(item.user_id, item.kind, item.slot_key, item.due_at)
        for item in items
        if outcomes[item.id].status != DeliveryStatus.PENDING
    ]


async def plan_after(sessions: SessionFactory, slots: Sequence[DecidedSlot], now: datetime) -> None:
    """Plan the next slot of each person whose delivery of a kind is settled."""
    latest: dict[int, datetime] = {}
    kinds: dict[int, set[str]] = {}
    for slot in slots:
        if SNOOZE_MARK in slot.slot_key:  # a snoozed prompt: their next slot is planned already
            continue
        kinds.setdefault(slot.user_id, set()).add(slot.kind)
        latest[slot.user_id] = max(latest.get(slot.user_id, slot.due_at), slot.due_at)
    if not kinds:
        return
    floor = now - timedelta(minutes=1)
    wanted = {user_id: (kinds[user_id], max(latest[user_id], floor)) for user_id in kinds}

    async def plan() -> None:
        async with sessions() as session:
            await plan_next_batch(session, wanted=wanted)
            await session.commit()

    await retrying(plan, wait=RECORD_WAIT)
