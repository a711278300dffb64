"""Sending what is due: claim, pre-check, send, triage Telegram's answer, record, plan next.

Scheduled deliveries (check-in prompts, weekly summaries): planned as rows, claimed atomically.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.delivery_rules import retry_delay
from bot.delivery.planning import is_paused, plan_next_batch
from bot.delivery.rate_limits import scheduled_sends
from bot.storage.db import SessionFactory
from bot.storage.deliveries import SNOOZE_MARK, ClaimedDelivery, claim_due, release_stale_claims
from bot.storage.models import Delivery, DeliveryKind, DeliveryStatus, User

log = logging.getLogger(__name__)


MAX_ATTEMPTS = 5


# a weekly summary is still welcome hours late (and a busy Sunday evening can queue many charts)
SUMMARY_GRACE = timedelta(hours=6)
# a delivery sent later than this after its time counts as late (in the figures only)
LATE_AFTER = timedelta(minutes=1)


Sender = Callable[[ClaimedDelivery], Awaitable[int]]


@dataclass
class SendOutcome:
    """What happened to one claimed delivery."""

    status: DeliveryStatus
    message_id: int | None = None
    detail: str | None = None
    retry_at: datetime | None = None
    deactivate_user: bool = False
    sent_at: datetime | None = None


@dataclass
class DispatchReport:
    """Counts from one dispatch run."""

    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    uncertain: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    # by kind of delivery, for the figures: (kind, status), kind, (kind, skip detail)
    by_kind: Counter[tuple[str, str]] = field(default_factory=Counter)
    late: Counter[str] = field(default_factory=Counter)
    skip_details: Counter[tuple[str, str | None]] = field(default_factory=Counter)

    def add(self, outcome: SendOutcome, item: ClaimedDelivery | None = None) -> None:
        """Count one outcome (of ``item``, when known)."""
        self.by_status[outcome.status] = self.by_status.get(outcome.status, 0) + 1
        if item is not None:
            self._by_kind(outcome, item)
        if outcome.status == DeliveryStatus.SENT:
            self.sent += 1
        elif outcome.status == DeliveryStatus.SKIPPED:
            self.skipped += 1
        elif outcome.status == DeliveryStatus.FAILED:
            self.failed += 1
        elif outcome.status == DeliveryStatus.PENDING:
            self.retried += 1
        elif outcome.status == DeliveryStatus.UNCERTAIN:
            self.uncertain += 1

    def _by_kind(self, outcome: SendOutcome, item: ClaimedDelivery) -> None:
        self.by_kind[item.kind, outcome.status] += 1
        if outcome.status == DeliveryStatus.SKIPPED:
            self.skip_details[item.kind, outcome.detail] += 1
        sent_at = outcome.sent_at
        if outcome.status == DeliveryStatus.SENT and sent_at and sent_at - item.due_at > LATE_AFTER:
            self.late[item.kind] += 1


def _never_reached(exc: NetworkError) -> bool:
    """True when the request surely did not deliver anything (so a retry cannot duplicate)."""
    text = exc.message
    if text.startswith("httpx."):  # no answer: only a refused connection is surely undelivered
        return text.startswith(("httpx.ConnectError", "httpx.ConnectTimeout"))
    return True  # the server answered with an error (5xx): nothing was sent


async def _attempt(claimed: ClaimedDelivery, sender: Sender, now: datetime) -> SendOutcome:
    try:
        with scheduled_sends():  # waits for the send budget that answers to people leave
            message_id = await sender(claimed)
    except Forbidden as exc:
        return SendOutcome(DeliveryStatus.FAILED, detail=exc.message[:200], deactivate_user=True)
    except RetryAfter as exc:
        delay = exc.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        return SendOutcome(
            DeliveryStatus.PENDING, retry_at=now + timedelta(seconds=seconds), detail="429"
        )
    except TimedOut as exc:
        if "not* sent" in exc.message:  # the request never left (pool timeout)
            return SendOutcome(DeliveryStatus.PENDING, retry_at=now + retry_delay(claimed.attempts))
        # the request may have reached Telegram: never risk a second copy
        return SendOutcome(DeliveryStatus.UNCERTAIN, detail="timed out")
    except BadRequest as exc:
        return SendOutcome(DeliveryStatus.FAILED, detail=exc.message[:200])
    except NetworkError as exc:
        if not _never_reached(exc):
            return SendOutcome(DeliveryStatus.UNCERTAIN, detail=exc.message[:200])
        if claimed.attempts >= MAX_ATTEMPTS:
            return SendOutcome(DeliveryStatus.FAILED, detail=f"gave up: {exc.message}"[:200])
        return SendOutcome(
            DeliveryStatus.PENDING,
            retry_at=now + retry_delay(claimed.attempts),
            detail=exc.message[:200],
        )
    except Exception as exc:  # a bug in one sender must not stop everyone else's deliveries
        log.exception("delivery %s failed", claimed.id)
        return SendOutcome(DeliveryStatus.FAILED, detail=f"error: {type(exc).__name__}")
    return SendOutcome(DeliveryStatus.SENT, message_id=message_id, sent_at=now)


def precheck(claimed: ClaimedDelivery, *, now: datetime, grace: timedelta) -> SendOutcome | None:
    """Why this delivery must not be sent now (None: send it)."""
    if not claimed.active:
        return SendOutcome(DeliveryStatus.FAILED, detail="inactive")
    window = max(grace, SUMMARY_GRACE) if claimed.kind == DeliveryKind.SUMMARY else grace
    if now - claimed.due_at > window:
        return SendOutcome(DeliveryStatus.SKIPPED, detail="past the grace window")
    if claimed.kind == DeliveryKind.CHECKIN:
        schedule = claimed.schedule
        if schedule is None or not schedule.enabled:
            return SendOutcome(DeliveryStatus.SKIPPED, detail="check-ins off")
        if is_paused(schedule, now):
            return SendOutcome(DeliveryStatus.SKIPPED, detail="paused")
    return None


async def dispatch_due(
    sessions: SessionFactory,
    senders: Mapping[str, Sender],
    *,
    now: Callable[[], datetime],
    instance: str,
    grace: timedelta,
    batch: int = 500,
    concurrency: int = 64,
    max_batches: int = 1000,
) -> DispatchReport:
    """Claim, send and record every due delivery (in batches), planning each person's next slot.

    A batch is recorded while the next one is claimed and sent (one recording at a time), so
    the sends do not stop for the database between batches.
    """
    report = DispatchReport()
    limit = asyncio.Semaphore(concurrency)
    recording: asyncio.Task[None] | None = None
    try:
        for _ in range(max_batches):
            claimed, outcomes = await _send_batch(
                sessions, senders, now=now, instance=instance, grace=grace, batch=batch, limit=limit
            )
            if not claimed:
                break
            if recording is not None:
                await recording
            recording = asyncio.create_task(_record(sessions, claimed, outcomes, now()))
            report.claimed += len(claimed)
            for item in claimed:
                report.add(outcomes[item.id], item)
    finally:
        if recording is not None:
            await recording
    return report


async def _send_batch(
    sessions: SessionFactory,
    senders: Mapping[str, Sender],
    *,
    now: Callable[[], datetime],
    instance: str,
    grace: timedelta,
    batch: int,
    limit: asyncio.Semaphore,
) -> tuple[list[ClaimedDelivery], dict[int, SendOutcome]]:
    """Claim one batch and send what passes the pre-checks; the batch and every outcome."""
    moment = now()
    async with sessions() as session:
        await release_stale_claims(session, now=moment)
        claimed = await claim_due(session, now=moment, instance=instance, limit=batch)
        await session.commit()
    decided: dict[int, SendOutcome] = {}
    for item in claimed:
        reason = precheck(item, now=moment, grace=grace)
        if reason is not None:
            decided[item.id] = reason

    async def send(item: ClaimedDelivery) -> tuple[int, SendOutcome]:
        async with limit:
            return item.id, await _attempt(item, senders[item.kind], now())

    to_send = [c for c in claimed if c.id not in decided]
    for delivery_id, outcome in await asyncio.gather(*(send(c) for c in to_send)):
        decided[delivery_id] = outcome
    return claimed, decided


async def _record(
    sessions: SessionFactory,
    claimed: Sequence[ClaimedDelivery],
    outcomes: Mapping[int, SendOutcome],
    now: datetime,
) -> None:
    async with sessions() as session:
        replan: dict[int, set[str]] = {}
        rows: list[dict[str, object]] = []
        blocked: list[int] = []
        for item in claimed:
            outcome = outcomes[item.id]
            row: dict[str, object] = {
                "id": item.id,
                "status": outcome.status,
                "detail": outcome.detail,
            }
            if outcome.status == DeliveryStatus.SENT:
                row.update(sent_at=now, message_id=outcome.message_id)
            if outcome.status == DeliveryStatus.PENDING:
                row.update(next_attempt_at=outcome.retry_at or now, claimed_by=None)
            rows.append(row)
            if outcome.deactivate_user:
                blocked.append(item.user_id)
            if outcome.status != DeliveryStatus.PENDING and SNOOZE_MARK not in item.slot_key:
                replan.setdefault(item.user_id, set()).add(item.kind)
        # one executemany per shape of row, not one statement per delivery
        await session.exec(sa.update(Delivery), params=rows)
        if blocked:
            await session.exec(
                sa.update(User).where(col(User.id).in_(blocked)).values(active=False)
            )
        wanted = {
            user_id: (
                kinds,
                max(
                    max(c.due_at for c in claimed if c.user_id == user_id),
                    now - timedelta(minutes=1),
                ),
            )
            for user_id, kinds in replan.items()
        }
        await plan_next_batch(session, wanted=wanted)
        await session.commit()
