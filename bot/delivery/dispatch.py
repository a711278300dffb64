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

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.delivery_rules import retry_delay
from bot.delivery.planning import is_paused
from bot.delivery.rate_limits import scheduled_sends
from bot.delivery.recording import (
    SendOutcome,
    decided_slots,
    plan_after,
    record_outcomes,
)
from bot.delivery.requests import surely_unsent
from bot.storage.db import SessionFactory
from bot.storage.deliveries import (
    ClaimedDelivery,
    DecidedSlot,
    claim_due,
    release_leftover_claims,
)
from bot.storage.models import DeliveryKind, DeliveryStatus

log = logging.getLogger(__name__)


MAX_ATTEMPTS = 5
# deliveries marked as being sent at a time: at most this many are left uncertain when the
# sender is killed (a wave is sent in about half a second at Telegram's 30 messages a second)
WAVE = 16
# with paid broadcasts (1,000 a second) a wave is the sends in flight (a sixteenth of a second)
PAID_WAVE = 64


# a weekly summary is still welcome hours late (and a busy Sunday evening can queue many charts)
SUMMARY_GRACE = timedelta(hours=6)
# a delivery sent later than this after its time counts as late (in the figures only)
LATE_AFTER = timedelta(minutes=1)


Sender = Callable[[ClaimedDelivery], Awaitable[int]]


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
        if not surely_unsent(exc):
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
    wave: int = WAVE,
    max_batches: int = 1000,
) -> DispatchReport:
    """Claim, send and record every due delivery (in batches), planning each person's next slot.

    Each batch is sent in waves of ``wave`` (at most ``concurrency`` at once): a wave is
    marked as being sent in the transaction that records the outcomes of the one before,
    then sent. A sender killed mid-batch so leaves one wave uncertain (never sent again)
    and the rest of the batch claimed but untouched, which the next run sends (within the
    grace window). The next batch is claimed while one is sent, and a batch's next slots
    are planned while the next batch goes out.
    """
    run = _Run(sessions, senders, now, instance, asyncio.Semaphore(concurrency), grace, wave)

    async def claim(first: bool) -> tuple[list[ClaimedDelivery], datetime]:
        moment = now()
        async with sessions() as session:
            uncertain: list[DecidedSlot] = []
            if first:
                _pending_again, uncertain = await release_leftover_claims(session)
            claimed = await claim_due(session, now=moment, instance=instance, limit=batch)
            await session.commit()
        await plan_after(sessions, uncertain, moment)  # their next slots, as for a send
        return claimed, moment

    upcoming = asyncio.create_task(claim(True))
    try:
        for _number in range(max_batches):
            claimed, moment = await upcoming
            if not claimed:
                break
            # the next batch is claimed while this one is sent (left unsent by a run that
            # stops here, it is released by the next run's start)
            upcoming = asyncio.create_task(claim(False))
            await run.send_batch(claimed, moment)
    finally:  # nothing left running (an error in a claim ahead is the next run's to meet)
        await asyncio.gather(upcoming, return_exceptions=True)
        await run.planned()
    return run.report


@dataclass
class _Run:
    """What sending the batches of one dispatch run needs, and what it did."""

    sessions: SessionFactory
    senders: Mapping[str, Sender]
    now: Callable[[], datetime]
    instance: str
    limit: asyncio.Semaphore
    grace: timedelta
    wave: int
    report: DispatchReport = field(default_factory=DispatchReport)
    planning: asyncio.Task[None] | None = None

    async def send_batch(self, claimed: Sequence[ClaimedDelivery], moment: datetime) -> None:
        """Pre-check, send in waves, record, and start planning the next slots."""
        self.report.claimed += len(claimed)
        decided: dict[int, SendOutcome] = {}
        for item in claimed:
            reason = precheck(item, now=moment, grace=self.grace)
            if reason is not None:
                decided[item.id] = reason
        to_send = [c for c in claimed if c.id not in decided]
        # the ones not to send are recorded when the first wave starts
        settled = [c for c in claimed if c.id in decided]
        done: list[ClaimedDelivery] = []
        waves = [to_send[start : start + self.wave] for start in range(0, len(to_send), self.wave)]
        for upcoming in [*waves, []]:
            mine = await record_outcomes(
                self.sessions,
                settled,
                decided,
                self.now(),
                then_mark=[c.id for c in upcoming],
                instance=self.instance,
            )
            done += settled
            # a delivery no longer this instance's is left to its new owner
            settled = await self.send_wave([c for c in upcoming if c.id in mine], decided)
        await self.planned()  # the batch before's, so that one plans at a time
        slots = decided_slots(done, decided)
        self.planning = asyncio.create_task(plan_after(self.sessions, slots, self.now()))
        for item in done:
            self.report.add(decided[item.id], item)

    async def planned(self) -> None:
        """Wait for the next slots being planned, if any."""
        planning, self.planning = self.planning, None
        if planning is not None:
            await planning

    async def send_wave(
        self, wave: Sequence[ClaimedDelivery], decided: dict[int, SendOutcome]
    ) -> list[ClaimedDelivery]:
        """Send a wave marked as being sent; the deliveries sent (outcomes in ``decided``)."""

        async def send(item: ClaimedDelivery) -> tuple[int, SendOutcome]:
            async with self.limit:
                return item.id, await _attempt(item, self.senders[item.kind], self.now())

        for delivery_id, outcome in await asyncio.gather(*(send(c) for c in wave)):
            decided[delivery_id] = outcome
        return list(wave)
