"""Several instances on one PostgreSQL database: one sender at a time, another when it goes."""

from __future__ import annotations

import asyncio
from datetime import time

import pytest
import sqlalchemy as sa

from bot.context import KBApplication, Services
from bot.storage.models import DeliveryStatus
from tests.e2e.test_checkins import deliveries, prompt_messages, set_schedule, utc
from tests.support.harness import Harness, onboard

pytestmark = pytest.mark.postgres
PEOPLE = [7100 + i for i in range(24)]


def instance(app: KBApplication) -> str:
    services = app.bot_data["services"]
    assert isinstance(services, Services)
    return services.instance


async def one_tick(h: Harness, apps: list[KBApplication]) -> None:
    """Every instance's dispatch job at the same moment, twice over."""
    await asyncio.gather(*(h.dispatch(app) for app in apps * 2))


async def senders_on(h: Harness, day: int) -> set[str | None]:
    """The instances that sent the check-ins due on 2026-11-``day``."""
    return {
        d.claimed_by
        for d in await deliveries(h)
        if d.status == DeliveryStatus.SENT and d.due_at.day == day
    }


def assert_prompts(h: Harness, count: int) -> None:
    for user_id in PEOPLE:
        assert len(prompt_messages(h, user_id)) == count, user_id


async def cut_the_holders_connection(h: Harness) -> None:
    """As when the holder's host dies: the server ends the connection that holds the lock."""
    async with h.session() as session:
        await session.exec(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND granted AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_one_instance_sends_each_tick_and_another_takes_over(harness: Harness) -> None:
    h = harness
    h.clock.set(utc(2026, 11, 23, 6, 0))
    for user_id in PEOPLE:
        await onboard(h, user_id, zone_label="Berlin")
        await set_schedule(h, user_id, [time(9, 0)])
    apps = [h.apps[0], await h.start("test-2", poll=False), await h.start("test-3", poll=False)]

    h.clock.set(utc(2026, 11, 23, 8, 0))  # Monday 09:00 in Berlin
    await one_tick(h, apps)
    assert_prompts(h, 1)
    (first,) = await senders_on(h, 23)  # one instance sent them all

    holder = next(app for app in apps if instance(app) == first)
    await h.stop(holder)  # its lock goes with its connection
    rest = [app for app in apps if app is not holder]
    h.clock.set(utc(2026, 11, 24, 8, 0))
    await one_tick(h, rest)
    assert_prompts(h, 2)
    (second,) = await senders_on(h, 24)
    assert second != first

    await cut_the_holders_connection(h)
    h.clock.set(utc(2026, 11, 25, 8, 0))
    (other,) = [app for app in rest if instance(app) != second]
    await h.dispatch(other)  # the next tick: the other instance takes the turn
    await h.dispatch(next(app for app in rest if app is not other))  # the old holder skips
    assert_prompts(h, 3)
    assert await senders_on(h, 25) == {instance(other)}
    assert len({d.id for d in await deliveries(h) if d.status == DeliveryStatus.SENT}) == 3 * len(
        PEOPLE
    )
