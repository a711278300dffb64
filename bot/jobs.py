"""Repeating jobs (driven by APScheduler through PTB's JobQueue): one stable name each."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.context import BotContext, KBApplication
from bot.core.schedule import months_before
from bot.delivery.dispatch import PAID_WAVE, WAVE, Sender, dispatch_due
from bot.delivery.planning import plan_missing
from bot.flow import FlowSpec, expire_conversations
from bot.metrics import METRICS_KEY, Metrics
from bot.storage.retention import delete_older_than

log = logging.getLogger(__name__)

SWEEP_INTERVAL = timedelta(minutes=1)
REPAIR_INTERVAL = timedelta(minutes=10)
RETENTION_INTERVAL = timedelta(hours=1)
DISPATCH_JOB = "dispatch-deliveries"
SWEEP_JOB = "expire-conversations"
REPAIR_JOB = "plan-missing"
RETENTION_JOB = "forget-old-entries"
# one run at a time; a late run is run once, not many times, and never dropped as "missed"
JOB_KWARGS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


async def dispatch(context: BotContext, senders: Mapping[str, Sender]) -> None:
    """Send every due check-in and summary, when this instance is the one that sends.

    On PostgreSQL one instance at a time holds the sending turn (an advisory lock, see
    bot/storage/sending_turn.py), so the send budget is the bot's, not one per instance.
    """
    services = context.services
    if not await services.sending_turn.take():
        return  # another instance sends this tick
    report = await dispatch_due(
        services.sessions,
        senders,
        now=services.clock.now,
        instance=services.instance,
        grace=timedelta(minutes=services.settings.checkin_grace_minutes),
        wave=PAID_WAVE if services.settings.paid_broadcasts else WAVE,
    )
    if report.claimed:
        log.info("deliveries: %s", report.by_status)
    metrics = context.bot_data.get(METRICS_KEY)
    if isinstance(metrics, Metrics) and report.claimed:
        metrics.deliveries(
            ((kind, status, n) for (kind, status), n in report.by_kind.items()),
            report.late.items(),
            ((kind, detail, n) for (kind, detail), n in report.skip_details.items()),
        )


async def repair(context: BotContext) -> None:
    """Plan for anyone who should have a pending delivery and has none."""
    services = context.services
    async with services.sessions() as session:
        planned = await plan_missing(session, now=services.clock.now())
        await session.commit()
    if planned:
        log.info("planned %d missing deliveries", planned)


async def forget_old_entries(context: BotContext) -> None:
    """Delete entries older than RETENTION_MONTHS (when it is set)."""
    services = context.services
    months = services.settings.retention_months
    if months is None:
        return
    cutoff = months_before(services.clock.now(), months)
    async with services.sessions() as session:
        deleted = await delete_older_than(session, cutoff=cutoff)
        await session.commit()
    if any(deleted.values()):
        log.info("retention (%d months): deleted %s", months, deleted)


def schedule_jobs(
    app: KBApplication,
    flows: Mapping[str, FlowSpec],
    senders: Mapping[str, Sender],
    *,
    dispatch_every: float,
    retention: bool = False,
) -> None:
    """Register the repeating jobs (once per application, by stable name).

    ``senders`` says how each kind of delivery is sent; the flows that own them pass them in.
    With ``retention``, old entries are deleted every hour too.
    """
    queue = app.job_queue
    assert queue is not None

    async def sweep(context: BotContext) -> None:
        await expire_conversations(context, flows)

    async def send_due(context: BotContext) -> None:
        await dispatch(context, senders)

    jobs = [
        (SWEEP_JOB, sweep, SWEEP_INTERVAL.total_seconds(), SWEEP_INTERVAL.total_seconds()),
        (REPAIR_JOB, repair, REPAIR_INTERVAL.total_seconds(), REPAIR_INTERVAL.total_seconds()),
        (DISPATCH_JOB, send_due, dispatch_every, dispatch_every),
    ]
    if retention:  # first a minute after start, then every hour
        jobs.append((RETENTION_JOB, forget_old_entries, RETENTION_INTERVAL.total_seconds(), 60.0))
    for name, callback, interval, first in jobs:
        for old in queue.get_jobs_by_name(name):
            old.schedule_removal()
        queue.run_repeating(
            callback, interval=interval, first=first, name=name, job_kwargs=dict(JOB_KWARGS)
        )
