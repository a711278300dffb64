"""Repeating jobs (driven by APScheduler through PTB's JobQueue): one stable name each."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.context import BotContext, KBApplication
from bot.delivery.dispatch import Sender, dispatch_due
from bot.delivery.planning import plan_missing
from bot.flow import FlowSpec, expire_conversations

log = logging.getLogger(__name__)

SWEEP_INTERVAL = timedelta(minutes=1)
REPAIR_INTERVAL = timedelta(minutes=10)
DISPATCH_JOB = "dispatch-deliveries"
SWEEP_JOB = "expire-conversations"
REPAIR_JOB = "plan-missing"
# one run at a time; a late run is run once, not many times, and never dropped as "missed"
JOB_KWARGS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


async def dispatch(context: BotContext, senders: Mapping[str, Sender]) -> None:
    """Send every due check-in and summary."""
    services = context.services
    report = await dispatch_due(
        services.sessions,
        senders,
        now=services.clock.now,
        instance=services.instance,
        grace=timedelta(minutes=services.settings.checkin_grace_minutes),
    )
    if report.claimed:
        log.info("deliveries: %s", report.by_status)


async def repair(context: BotContext) -> None:
    """Plan for anyone who should have a pending delivery and has none."""
    services = context.services
    async with services.sessions() as session:
        planned = await plan_missing(session, now=services.clock.now())
        await session.commit()
    if planned:
        log.info("planned %d missing deliveries", planned)


def schedule_jobs(
    app: KBApplication,
    flows: Mapping[str, FlowSpec],
    senders: Mapping[str, Sender],
    *,
    dispatch_every: float,
) -> None:
    """Register the repeating jobs (once per application, by stable name).

    ``senders`` says how each kind of delivery is sent; the flows that own them pass them in.
    """
    queue = app.job_queue
    assert queue is not None

    async def sweep(context: BotContext) -> None:
        await expire_conversations(context, flows)

    async def send_due(context: BotContext) -> None:
        await dispatch(context, senders)

    for name, callback, interval, first in (
        (SWEEP_JOB, sweep, SWEEP_INTERVAL.total_seconds(), SWEEP_INTERVAL.total_seconds()),
        (REPAIR_JOB, repair, REPAIR_INTERVAL.total_seconds(), REPAIR_INTERVAL.total_seconds()),
        (DISPATCH_JOB, send_due, dispatch_every, dispatch_every),
    ):
        for old in queue.get_jobs_by_name(name):
            old.schedule_removal()
        queue.run_repeating(
            callback, interval=interval, first=first, name=name, job_kwargs=dict(JOB_KWARGS)
        )
