"""Webhook mode: Telegram posts updates, the secret is checked, /healthz tells the state."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, time

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from bot.storage.models import Break, BreakStatus
from tests.e2e.test_checkins import set_schedule
from tests.support.harness import WEBHOOK_SECRET, Harness, onboard, practice_steps

USER = 6301


def post(url: str, body: dict[str, object], secret: str | None) -> int:
    """POST an update as Telegram would; the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
async def webhook(harness: Harness) -> str:
    """The polling instance stopped; one instance in webhook mode instead."""
    await harness.stop()
    return await harness.start_webhook()


async def test_a_break_through_the_webhook(harness: Harness, webhook: str) -> None:
    h = harness
    assert h.emulator.webhook_url == f"{webhook}/telegram"
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/break")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "3")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "A long day")
    await h.replies(USER, 2, after=mark)
    await practice_steps(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "Rest")
    await h.replies(USER, 2, after=mark)
    await h.tap(USER, "6")
    async with h.session() as session:
        (row,) = (await session.exec(select(Break))).all()
    assert (row.status, row.mood_before, row.mood_after) == (BreakStatus.COMPLETED, 3, 6)
    assert h.emulator.webhook_posts >= 10 and h.emulator.webhook_failures == 0


async def test_posts_without_the_secret_are_refused(harness: Harness, webhook: str) -> None:
    update = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}},
    }
    url = f"{webhook}/telegram"
    assert await asyncio.to_thread(post, url, update, None) == 403
    assert await asyncio.to_thread(post, url, update, "wrong-secret-0123456789") == 403
    assert await asyncio.to_thread(post, url, update, WEBHOOK_SECRET) == 200  # handled after


async def test_healthz_says_database_and_jobs_are_up(harness: Harness, webhook: str) -> None:
    status, body = await asyncio.to_thread(get, f"{webhook}/healthz")
    assert status == 200 and body == "database ok, jobs ok"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics page by name and labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_count_updates_sends_and_screen_hits_and_nothing_personal(
    harness: Harness, webhook: str
) -> None:
    h = harness
    h.clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    await onboard(h, USER, first_name="Marguerite")
    await h.say(USER, "i took all my sleeping pills an hour ago")
    await h.settled()
    await set_schedule(h, USER, [time(9, 0)])
    h.clock.set(datetime(2026, 11, 23, 8, 2, tzinfo=UTC))  # two minutes after 09:00 in Berlin
    await h.dispatch()
    status, text = await asyncio.to_thread(get, f"{webhook}/metrics")
    assert status == 200
    got = samples(text)
    assert got["kindbreak_updates_total", (("kind", "message"),)] >= 2
    assert got["kindbreak_updates_total", (("kind", "callback_query"),)] >= 2
    assert got["kindbreak_update_seconds_count", ()] >= 4
    assert got["kindbreak_crisis_screen_hits_total", (("level", "urgent"),)] == 1
    assert got["kindbreak_crisis_screen_hits_total", (("level", "concern"),)] == 0
    checkin = ("kind", "checkin")
    assert got["kindbreak_deliveries_due_total", (checkin,)] == 1
    assert got["kindbreak_deliveries_late_total", (checkin,)] == 1
    assert got["kindbreak_sends_total", (checkin, ("outcome", "sent"))] == 1
    for personal in (str(USER), "Marguerite", "sleeping", "pills", "Berlin"):
        assert personal not in text


async def test_each_application_counts_on_its_own(harness: Harness, webhook: str) -> None:
    h = harness
    await onboard(h, USER)
    second = await h.start("test-second", poll=False)
    own = second.bot_data["metrics"].render().decode()
    assert samples(own)["kindbreak_updates_total", (("kind", "message"),)] == 0
