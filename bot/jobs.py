"""Repeating jobs (driven by APScheduler through PTB's JobQueue): one stable name each."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import partial

from bot.context import KBApplication, KBContext
from bot.deliveries import Sender, dispatch_due, plan_missing
from bot.flow import FlowSpec, expire_conversations
from bot.models import DeliveryKind
from handlers import checkin, summary

log = logging.getLogger(__name__)

SWEEP_INTERVAL = timedelta(minutes=1)
REPAIR_INTERVAL = timedelta(minutes=10)
DISPATCH_JOB = "dispatch-deliveries"
SWEEP_JOB = "expire-conversations"
REPAIR_JOB = "plan-missing"
# one run at a time; a late run is run once, not many times, and never dropped as "missed"
JOB_KWARGS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}


def senders(app: KBApplication) -> Mapping[str, Sender]:
    """How each kind of delivery is sent."""
    return {
        DeliveryKind.CHECKIN: partial(checkin.send_prompt, app.bot),
        DeliveryKind.SUMMARY: partial(summary.send_scheduled_summary, app),
    }


async def dispatch(context: KBContext) -> None:
    """Send every due check-in and summary."""
    services = context.services
    app = context.application
    report = await dispatch_due(
        services.sessions,
        senders(app),  # type: ignore[arg-type]
        now=services.clock.now,
        instance=services.instance,
        grace=timedelta(minutes=services.settings.checkin_grace_minutes),
    )
    if report.claimed:
        log.info("deliveries: %s", report.by_status)


async def repair(context: KBContext) -> None:
    """Plan for anyone who should have a pending delivery and has none."""
    services = context.services
    async with services.sessions() as session:
        planned = await plan_missing(session, now=services.clock.now())
        await session.commit()
    if planned:
        log.info("planned %d missing deliveries", planned)


def schedule_jobs(
    app: KBApplication, flows: Mapping[str, FlowSpec], *, dispatch_every: float
) -> None:
    """Register the repeating jobs (once per application, by stable name)."""
    queue = app.job_queue
    assert queue is not None

    async def sweep(context: KBContext) -> None:
        await expire_conversations(context, flows)

    for name, callback, interval, first in (
        (SWEEP_JOB, sweep, SWEEP_INTERVAL.total_seconds(), SWEEP_INTERVAL.total_seconds()),
        (REPAIR_JOB, repair, REPAIR_INTERVAL.total_seconds(), REPAIR_INTERVAL.total_seconds()),
        (DISPATCH_JOB, dispatch, dispatch_every, dispatch_every),
    ):
        for old in queue.get_jobs_by_name(name):
            old.schedule_removal()
        queue.run_repeating(
            callback, interval=interval, first=first, name=name, job_kwargs=dict(JOB_KWARGS)
        )
