"""Scheduled deliveries (check-in prompts, weekly summaries): planned as rows, claimed atomically.

The schedule is data: each person with check-ins on has exactly one pending
``Delivery`` row for their next slot. A single repeating job claims due rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers, so one
``UPDATE ... RETURNING`` is atomic there), sends them, and plans the next slot.
The unique key (user, kind, slot) makes a second send of one slot impossible,
across restarts and across instances.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.schedule import Slot, next_slot, weekly_slot
from bot.storage.db import SessionFactory
from bot.storage.models import (
    CheckinSchedule,
    CheckinTime,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    User,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# a weekly summary is still welcome hours late (and a busy Sunday evening can queue many charts)
SUMMARY_GRACE = timedelta(hours=6)
STALE_CLAIM = timedelta(minutes=5)
SNOOZE_MARK = "~"  # slot keys of snoozed prompts: "<slot>~<n>"


def weekdays_from_mask(mask: int) -> frozenset[int]:
    """Weekday numbers (0 = Monday) from the stored bit mask."""
    return frozenset(d for d in range(7) if mask >> d & 1)


def mask_from_weekdays(days: Sequence[int] | frozenset[int]) -> int:
    """The stored bit mask for weekday numbers."""
    return sum(1 << d for d in set(days))


def is_paused(schedule: CheckinSchedule, now: datetime) -> bool:
    """Whether check-ins are paused at ``now``."""
    return schedule.paused and (schedule.paused_until is None or schedule.paused_until > now)


def retry_delay(attempts: int) -> timedelta:
    """Back-off before the next attempt after ``attempts`` failed ones: 5 s, 10 s, 20 s ... 5 min."""
    return timedelta(seconds=min(300, 5 * 2 ** max(0, attempts - 1)))


async def get_schedule(session: AsyncSession, *, user_id: int) -> CheckinSchedule | None:
    """A person's check-in schedule, if they ever set one."""
    return await session.get(CheckinSchedule, user_id, populate_existing=True)


async def get_times(session: AsyncSession, *, user_id: int) -> list[time]:
    """A person's check-in times, earliest first."""
    result = await session.exec(
        select(CheckinTime).where(CheckinTime.user_id == user_id).order_by(col(CheckinTime.at))
    )
    return [row.at for row in result.all()]


async def _insert_delivery(session: AsyncSession, *, user_id: int, kind: str, slot: Slot) -> bool:
    try:
        async with session.begin_nested():
            session.add(
                Delivery(
                    user_id=user_id,
                    kind=kind,
                    slot_key=slot.key,
                    due_at=slot.due_utc,
                    next_attempt_at=slot.due_utc,
                )
            )
    except IntegrityError:
        return False  # this slot exists already (planned, sent or skipped)
    return True


async def _drop_pending(session: AsyncSession, *, user_id: int, kind: str) -> None:
    await session.exec(
        sa.delete(Delivery).where(
            col(Delivery.user_id) == user_id,
            col(Delivery.kind) == kind,
            col(Delivery.status) == DeliveryStatus.PENDING,
            ~col(Delivery.slot_key).contains(SNOOZE_MARK),
        )
    )


async def drop_pending(session: AsyncSession, *, user_id: int) -> None:
    """Remove everything still waiting to be sent to a person (they blocked the bot)."""
    await session.exec(
        sa.delete(Delivery).where(
            col(Delivery.user_id) == user_id, col(Delivery.status) == DeliveryStatus.PENDING
        )
    )


async def plan_checkin(session: AsyncSession, *, user: User, after: datetime) -> Delivery | None:
    """Replace the person's pending check-in with the first free slot after ``after``."""
    assert user.id is not None
    await _drop_pending(session, user_id=user.id, kind=DeliveryKind.CHECKIN)
    schedule = await get_schedule(session, user_id=user.id)
    if schedule is None or not schedule.enabled or not user.active or user.time_zone is None:
        return None
    times = await get_times(session, user_id=user.id)
    start = after
    if schedule.paused and schedule.paused_until is not None:
        start = max(start, schedule.paused_until - timedelta(microseconds=1))
    elif schedule.paused:
        return None
    for _ in range(40):  # skip slots that exist already (e.g. sent before a zone change)
        slot = next_slot(
            start,
            times=times,
            weekdays=weekdays_from_mask(schedule.weekdays),
            zone=user.time_zone,
            quiet_start=schedule.quiet_start,
            quiet_end=schedule.quiet_end,
        )
        if slot is None:
            return None
        if await _insert_delivery(session, user_id=user.id, kind=DeliveryKind.CHECKIN, slot=slot):
            return await _pending(session, user_id=user.id, kind=DeliveryKind.CHECKIN)
        start = slot.due_utc
    return None


async def plan_summary(session: AsyncSession, *, user: User, after: datetime) -> Delivery | None:
    """Replace the person's pending weekly summary with the next one after ``after``."""
    assert user.id is not None
    await _drop_pending(session, user_id=user.id, kind=DeliveryKind.SUMMARY)
    schedule = await get_schedule(session, user_id=user.id)
    if not user.active or user.time_zone is None:
        return None
    if schedule is not None and not schedule.summary_enabled:
        return None
    weekday = schedule.summary_weekday if schedule else 6
    at = schedule.summary_time if schedule else time(18, 0)
    start = after
    for _ in range(4):
        slot = weekly_slot(start, weekday=weekday, at=at, zone=user.time_zone)
        if await _insert_delivery(session, user_id=user.id, kind=DeliveryKind.SUMMARY, slot=slot):
            return await _pending(session, user_id=user.id, kind=DeliveryKind.SUMMARY)
        start = slot.due_utc
    return None


async def plan_user(session: AsyncSession, *, user: User, after: datetime) -> None:
    """(Re)plan everything scheduled for one person: after any change of their choices."""
    await plan_checkin(session, user=user, after=after)
    await plan_summary(session, user=user, after=after)


async def _pending(session: AsyncSession, *, user_id: int, kind: str) -> Delivery | None:
    result = await session.exec(
        select(Delivery)
        .where(
            Delivery.user_id == user_id,
            Delivery.kind == kind,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(col(Delivery.due_at))
    )
    return result.first()


async def plan_missing(session: AsyncSession, *, now: datetime, limit: int = 5000) -> int:
    """Plan for active people who should have a pending delivery but have none (a repair pass)."""
    planned = 0
    pending = (
        select(Delivery.id)
        .where(
            Delivery.user_id == User.id,
            Delivery.kind == DeliveryKind.CHECKIN,
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]),
        )
        .exists()
    )
    users = await session.exec(
        select(User)
        .join(CheckinSchedule, col(CheckinSchedule.user_id) == col(User.id))
        .where(
            col(User.active),
            col(User.time_zone).is_not(None),
            col(CheckinSchedule.enabled),
            ~pending,
        )
        .limit(limit)
    )
    for user in users.all():
        if await plan_checkin(session, user=user, after=now) is not None:
            planned += 1
    pending_summary = (
        select(Delivery.id)
        .where(
            Delivery.user_id == User.id,
            Delivery.kind == DeliveryKind.SUMMARY,
            col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]),
        )
        .exists()
    )
    summary_off = (
        select(CheckinSchedule.user_id)
        .where(CheckinSchedule.user_id == User.id, ~col(CheckinSchedule.summary_enabled))
        .exists()
    )
    users = await session.exec(
        select(User)
        .where(col(User.active), col(User.time_zone).is_not(None), ~pending_summary, ~summary_off)
        .limit(limit)
    )
    for user in users.all():
        if await plan_summary(session, user=user, after=now) is not None:
            planned += 1
    return planned


@dataclass(frozen=True)
class Claimed:
    """A delivery this instance has claimed, with what is needed to send it."""

    id: int
    user_id: int
    kind: str
    slot_key: str
    due_at: datetime
    attempts: int
    chat_id: int
    first_name: str
    language: str | None
    time_zone: str | None
    active: bool = True
    schedule: CheckinSchedule | None = None


async def claim_due(
    session: AsyncSession, *, now: datetime, instance: str, limit: int
) -> list[Claimed]:
    """Atomically take up to ``limit`` due deliveries for this instance."""
    due = (
        sa.select(col(Delivery.id))
        .where(
            col(Delivery.status) == DeliveryStatus.PENDING,
            col(Delivery.next_attempt_at) <= now,
        )
        # check-ins first: a prompt is time-sensitive, a summary (a chart to draw) is not
        .order_by(
            sa.case((col(Delivery.kind) == DeliveryKind.CHECKIN, 0), else_=1),
            col(Delivery.next_attempt_at),
        )
        .limit(limit)
    )
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = await session.exec(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(due.scalar_subquery()))
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=instance,
            claimed_at=now,
            attempts=Delivery.attempts + 1,
        )
        .returning(col(Delivery.id))
    )
    ids = list(claimed.scalars().all())
    if not ids:
        return []
    rows = await session.exec(
        select(Delivery, User, CheckinSchedule)
        .join(User, col(User.id) == col(Delivery.user_id))
        .join(CheckinSchedule, col(CheckinSchedule.user_id) == col(Delivery.user_id), isouter=True)
        .where(col(Delivery.id).in_(ids))
        .order_by(col(Delivery.next_attempt_at))
    )
    return [
        Claimed(
            id=d.id,
            user_id=d.user_id,
            kind=d.kind,
            slot_key=d.slot_key,
            due_at=d.due_at,
            attempts=d.attempts,
            chat_id=u.telegram_id,
            first_name=u.first_name,
            language=u.language_code,
            time_zone=u.time_zone,
            active=u.active,
            schedule=schedule,
        )
        for d, u, schedule in rows.all()
        if d.id is not None
    ]


async def release_stale_claims(session: AsyncSession, *, now: datetime) -> int:
    """Claims left by an instance that stopped mid-send: marked uncertain, never re-sent."""
    result = await session.exec(
        sa.update(Delivery)
        .where(
            col(Delivery.status) == DeliveryStatus.CLAIMED,
            col(Delivery.claimed_at) < now - STALE_CLAIM,
        )
        .values(status=DeliveryStatus.UNCERTAIN, detail="claim abandoned")
    )
    return int(result.rowcount or 0)


@dataclass
class Outcome:
    """What happened to one claimed delivery."""

    status: DeliveryStatus
    message_id: int | None = None
    detail: str | None = None
    retry_at: datetime | None = None
    deactivate_user: bool = False


Sender = Callable[[Claimed], Awaitable[int]]
"""Sends one delivery; returns the Telegram message id."""


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

    def add(self, outcome: Outcome) -> None:
        """Count one outcome."""
        self.by_status[outcome.status] = self.by_status.get(outcome.status, 0) + 1
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


def _never_reached(exc: NetworkError) -> bool:
    """True when the request surely did not deliver anything (so a retry cannot duplicate)."""
    text = exc.message
    if text.startswith("httpx."):  # no answer: only a refused connection is surely undelivered
        return text.startswith(("httpx.ConnectError", "httpx.ConnectTimeout"))
    return True  # the server answered with an error (5xx): nothing was sent


async def _attempt(claimed: Claimed, sender: Sender, now: datetime) -> Outcome:
    try:
        message_id = await sender(claimed)
    except Forbidden as exc:
        return Outcome(DeliveryStatus.FAILED, detail=exc.message[:200], deactivate_user=True)
    except RetryAfter as exc:
        delay = exc.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        return Outcome(
            DeliveryStatus.PENDING, retry_at=now + timedelta(seconds=seconds), detail="429"
        )
    except TimedOut as exc:
        if "not* sent" in exc.message:  # the request never left (pool timeout)
            return Outcome(DeliveryStatus.PENDING, retry_at=now + retry_delay(claimed.attempts))
        # the request may have reached Telegram: never risk a second copy
        return Outcome(DeliveryStatus.UNCERTAIN, detail="timed out")
    except BadRequest as exc:
        return Outcome(DeliveryStatus.FAILED, detail=exc.message[:200])
    except NetworkError as exc:
        if not _never_reached(exc):
            return Outcome(DeliveryStatus.UNCERTAIN, detail=exc.message[:200])
        if claimed.attempts >= MAX_ATTEMPTS:
            return Outcome(DeliveryStatus.FAILED, detail=f"gave up: {exc.message}"[:200])
        return Outcome(
            DeliveryStatus.PENDING,
            retry_at=now + retry_delay(claimed.attempts),
            detail=exc.message[:200],
        )
    except Exception as exc:  # a bug in one sender must not stop everyone else's deliveries
        log.exception("delivery %s failed", claimed.id)
        return Outcome(DeliveryStatus.FAILED, detail=f"error: {type(exc).__name__}")
    return Outcome(DeliveryStatus.SENT, message_id=message_id)


def precheck(claimed: Claimed, *, now: datetime, grace: timedelta) -> Outcome | None:
    """Why this delivery must not be sent now (None: send it)."""
    if not claimed.active:
        return Outcome(DeliveryStatus.FAILED, detail="inactive")
    window = max(grace, SUMMARY_GRACE) if claimed.kind == DeliveryKind.SUMMARY else grace
    if now - claimed.due_at > window:
        return Outcome(DeliveryStatus.SKIPPED, detail="past the grace window")
    if claimed.kind == DeliveryKind.CHECKIN:
        schedule = claimed.schedule
        if schedule is None or not schedule.enabled:
            return Outcome(DeliveryStatus.SKIPPED, detail="check-ins off")
        if is_paused(schedule, now):
            return Outcome(DeliveryStatus.SKIPPED, detail="paused")
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
    """Claim, send and record every due delivery (in batches), planning each person's next slot."""
    report = DispatchReport()
    limit = asyncio.Semaphore(concurrency)
    for _ in range(max_batches):
        moment = now()
        async with sessions() as session:
            await release_stale_claims(session, now=moment)
            claimed = await claim_due(session, now=moment, instance=instance, limit=batch)
            await session.commit()
        decided: dict[int, Outcome] = {}
        for item in claimed:
            reason = precheck(item, now=moment, grace=grace)
            if reason is not None:
                decided[item.id] = reason
        if not claimed:
            break
        report.claimed += len(claimed)

        async def send(item: Claimed) -> tuple[int, Outcome]:
            async with limit:
                return item.id, await _attempt(item, senders[item.kind], now())

        to_send = [c for c in claimed if c.id not in decided]
        for delivery_id, outcome in await asyncio.gather(*(send(c) for c in to_send)):
            decided[delivery_id] = outcome
        await _record(sessions, claimed, decided, now())
        for outcome in decided.values():
            report.add(outcome)
    return report


async def _record(
    sessions: SessionFactory,
    claimed: Sequence[Claimed],
    outcomes: Mapping[int, Outcome],
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
        for user_id, kinds in replan.items():
            user = await session.get(User, user_id, populate_existing=True)
            if user is None or not user.active:
                continue
            slot_due = max(c.due_at for c in claimed if c.user_id == user_id)
            after = max(slot_due, now - timedelta(minutes=1))
            if DeliveryKind.CHECKIN in kinds:
                await plan_checkin(session, user=user, after=after)
            if DeliveryKind.SUMMARY in kinds:
                await plan_summary(session, user=user, after=after)
        await session.commit()


def local_label(instant: datetime, zone: str | None) -> str:
    """HH:MM of an instant in a zone (UTC when unknown)."""
    return instant.astimezone(ZoneInfo(zone or "UTC")).strftime("%H:%M")
