"""/summary and the weekly summary end to end: the photo, its caption, and sending it once."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlmodel import col, select

import bot.ui.summary
import handlers.summary
from bot.storage.models import BreakStatus, Delivery, DeliveryKind, DeliveryStatus, RatingKind, User
from bot.storage.practice_models import PracticeSession, PracticeStatus
from bot.ui.chart_data import ChartData
from bot.ui.charts import render_chart
from bot.ui.summary_text import split_caption
from tests.support.factories import (
    create_break,
    create_rating,
    create_ratings,
    local,
    user_by_telegram_id,
)
from tests.support.harness import Harness, agree, onboard

USER = 6006
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Sunday 25 October 2026, 23:45 in Berlin: summer time ended at 03:00 that morning
DST_SUNDAY_NIGHT = datetime(2026, 10, 25, 22, 45, tzinfo=UTC)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG that decodes completely."""
    assert png[:8] == PNG_SIGNATURE
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        image.load()  # every pixel decodes
        return image.size


@pytest.fixture
def charts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ChartData]]:
    """The data of every chart drawn (the real renderer still draws it)."""
    drawn: list[ChartData] = []

    def recording(data: ChartData) -> bytes:
        drawn.append(data)
        return render_chart(data)

    monkeypatch.setattr(bot.ui.summary, "draw_chart", recording)
    yield drawn


async def seed_october(h: Harness, telegram_id: int = USER) -> None:
    """Ratings, tags and breaks around the week that ends summer time in Berlin."""
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=telegram_id)
        assert user.id is not None
        uid = user.id
        # the week Monday 19 to Sunday 25 October (Berlin)
        await create_rating(  # 22:30 UTC on Sunday 18th: Monday locally
            session, user_id=uid, value=4, at=local(2026, 10, 19, 0, 30), tags=["tired"]
        )
        await create_rating(
            session, user_id=uid, value=6, at=local(2026, 10, 19, 20), kind=RatingKind.QUICK
        )
        await create_rating(
            session, user_id=uid, value=3, at=local(2026, 10, 21, 9), tags=["anxious", "tired"]
        )
        await create_break(
            session, user_id=uid, started_at=local(2026, 10, 21, 13), before=4, after=6
        )
        await create_rating(session, user_id=uid, value=8, at=local(2026, 10, 21, 21))
        await create_break(
            session, user_id=uid, started_at=local(2026, 10, 24, 10), before=3, after=5
        )
        await create_rating(  # 23:30 local (21:30 UTC): still Saturday
            session, user_id=uid, value=7, at=local(2026, 10, 24, 23, 30), tags=["calm"]
        )
        await create_break(
            session,
            user_id=uid,
            started_at=local(2026, 10, 25, 10),
            before=2,
            after=None,
            status=BreakStatus.ABANDONED,
        )
        await create_rating(session, user_id=uid, value=5, at=local(2026, 10, 25, 12))
        await create_rating(  # 23:30 CET, after the clocks went back: Sunday
            session,
            user_id=uid,
            value=9,
            at=local(2026, 10, 25, 23, 30),
            tags=["calm", "grateful"],
        )
        # the week before: 5, 5, 2 and 1 (23:30 on Sunday 18th belongs there)
        await create_ratings(
            session,
            user_id=uid,
            values=[
                (local(2026, 10, 13, 12), 5),
                (local(2026, 10, 14, 12), 5),
                (local(2026, 10, 15, 12), 2),
                (local(2026, 10, 18, 23, 30), 1),
            ],
        )
        # before the 30 days that end on 25 October
        await create_ratings(
            session, user_id=uid, values=[(local(2026, 9, 20, h), 8) for h in (9, 13, 20)]
        )
        await session.commit()


async def summary_deliveries(h: Harness, telegram_id: int = USER) -> list[Delivery]:
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=telegram_id)
        result = await session.exec(
            select(Delivery)
            .where(Delivery.user_id == user.id, Delivery.kind == DeliveryKind.SUMMARY)
            .order_by(col(Delivery.due_at))
        )
        return list(result.all())


def photos(h: Harness, chat_id: int = USER) -> list[bytes]:
    return [m.photo for m in h.emulator.chat_messages(chat_id) if m.photo is not None]


async def test_week_summary_is_a_chart_with_its_figures(
    harness: Harness, charts: list[ChartData]
) -> None:
    h = harness
    h.clock.set(DST_SUNDAY_NIGHT)
    await onboard(h, USER, zone_label="Berlin")
    await seed_october(h)

    mark = h.emulator.mark(USER)
    message = await h.say(USER, "/summary")
    assert message.photo is not None
    assert png_size(message.photo) == (1200, 800)
    caption = message.text or ""
    assert caption.startswith("🌿 Your week, Mon 19 Oct – Sun 25 Oct")
    assert (
        "You shared 12 mood ratings this week. "
        "Your average was 5.2, from 2 at the lowest to 9 at the highest." in caption
    )
    assert "That's 1.9 higher than last week" in caption
    assert (
        "You made time for 3 self-compassion breaks. "
        "On average your mood rose 2.0 points during a break." in caption
    )
    assert "harder in the mornings and easier in the evenings" in caption
    assert "Feelings that came up most: calm, tired, anxious." in caption
    assert "You checked in on 4 days this week." in caption
    assert caption.endswith("💛")

    (data,) = charts
    assert data.labels == ("Mon 19", "Tue 20", "Wed 21", "Thu 22", "Fri 23", "Sat 24", "Sun 25")
    assert data.means == (5.0, None, 5.3, None, None, 5.0, 5.3)
    assert data.mins == (4, None, 3, None, None, 3, 2)
    assert data.maxs == (6, None, 8, None, None, 7, 9)
    assert [marker[:3] for marker in data.breaks] == [(2, 4, 6), (5, 3, 5)]
    await asyncio.sleep(0.2)  # nothing follows the photo
    later = [m.message_id for m in h.emulator.chat_messages(USER) if m.message_id > mark]
    assert later == [message.message_id]


async def test_month_summary_covers_thirty_local_days(
    harness: Harness, charts: list[ChartData]
) -> None:
    h = harness
    h.clock.set(DST_SUNDAY_NIGHT)
    await onboard(h, USER, zone_label="Berlin")
    await seed_october(h)

    message = await h.say(USER, "/summary month")
    assert message.photo is not None and png_size(message.photo) == (1200, 800)
    caption = message.text or ""
    assert caption.startswith("🌿 Your last 30 days, Sat 26 Sep – Sun 25 Oct")
    assert (
        "You shared 16 mood ratings over the last 30 days. "
        "Your average was 4.7, from 1 at the lowest to 9 at the highest." in caption
    )
    assert "That's 3.3 lower than the 30 days before." in caption
    assert "You checked in on 8 days over the last 30 days." in caption
    (data,) = charts
    assert len(data.labels) == 30
    assert (data.labels[0], data.labels[-1]) == ("Sat 26", "Sun 25")
    assert data.means[-1] == 5.3


async def test_sparse_week_gets_a_short_friendly_message(
    harness: Harness, charts: list[ChartData]
) -> None:
    h = harness  # Monday 23 November, 10:00 in Berlin
    await onboard(h, USER, zone_label="Berlin")
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=USER)
        assert user.id is not None
        await create_ratings(
            session,
            user_id=user.id,
            values=[(local(2026, 11, 20, 10), 4), (local(2026, 11, 22, 18), 6)],
        )
        await session.commit()

    message = await h.say(USER, "/summary")
    assert message.photo is None
    assert message.text is not None
    assert message.text.startswith("🌿 Your week, Tue 17 Nov – Mon 23 Nov")
    assert "You rated your mood twice this week: 4 and 6." in message.text

    message = await h.say(USER, "/summary month")
    assert message.photo is None
    assert "You rated your mood twice over the last 30 days: 4 and 6." in (message.text or "")
    assert charts == []


async def test_nothing_rated_and_no_time_zone_yet(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER, first_name="Sam")
    await agree(h, USER)  # and never picked a time zone
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/summary")
    nudge, summary = await h.replies(USER, 2, after=mark)
    assert "/timezone" in (nudge.text or "") and "UTC" in (nudge.text or "")
    assert summary.photo is None
    text = summary.text or ""
    assert text.startswith("🌿 Your week, Tue 17 Nov – Mon 23 Nov")
    assert "this week" in text and ("quiet" in text or "No mood ratings" in text)

    reply = await h.say(USER, "/summary year")
    assert "/summary month" in (reply.text or "")


async def test_hard_week_offers_a_break_under_the_chart(harness: Harness) -> None:
    h = harness  # Monday 23 November, 10:00 in Berlin
    await onboard(h, USER, zone_label="Berlin")
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=USER)
        assert user.id is not None
        await create_ratings(
            session,
            user_id=user.id,
            values=[
                (local(2026, 11, day, 20), value) for day, value in ((18, 3), (20, 2), (22, 2))
            ],
        )
        await session.commit()

    message = await h.say(USER, "/summary")
    assert message.photo is not None
    assert "Your average was 2.3" in (message.text or "")
    assert "go gently with yourself" in (message.text or "")
    assert [label for label, _ in message.buttons()] == ["Take a break 🌿", "No thanks"]
    intro, ask = await h.tap(USER, "Take a break 🌿", expect=2)
    assert "0 😞" in (ask.text or "")


async def test_long_caption_continues_in_a_second_message(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # English summaries stay under Telegram's 1,024 characters; a tighter limit takes the path
    monkeypatch.setattr(handlers.summary, "CAPTION_LIMIT", 400)
    h = harness
    h.clock.set(DST_SUNDAY_NIGHT)
    await onboard(h, USER, zone_label="Berlin")
    await seed_october(h)

    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/summary")
    photo, rest = await h.replies(USER, 2, after=mark)
    assert photo.photo is not None and rest.photo is None
    caption, more = photo.text or "", rest.text or ""
    assert len(caption.encode("utf-16-le")) // 2 <= 400
    assert caption.startswith("🌿 Your week") and "average was 5.2" in caption
    assert more.endswith("💛") and "You checked in on 4 days this week." in more
    # cut between paragraphs: the two parts are the whole text
    assert split_caption(caption + "\n\n" + more, 400) == (caption, more)


async def test_weekly_summary_is_sent_once_on_sunday_evening(
    harness: Harness, charts: list[ChartData]
) -> None:
    h = harness  # Monday 23 November 2026, 10:00 in Berlin (UTC+1)
    await onboard(h, USER, zone_label="Berlin")
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=USER)
        assert user.id is not None
        await create_ratings(
            session,
            user_id=user.id,
            values=[
                (local(2026, 11, 23, 10), 5),
                (local(2026, 11, 25, 23, 30), 3),
                (local(2026, 11, 29, 0, 30), 7),  # 23:30 UTC on Saturday: Sunday locally
                (local(2026, 11, 29, 12), 8),
            ],
        )
        await session.commit()
    (planned,) = await summary_deliveries(h)
    assert planned.status == DeliveryStatus.PENDING
    assert planned.due_at == datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # Sunday 18:00 local

    h.clock.set(datetime(2026, 11, 29, 16, 59, tzinfo=UTC))
    await h.dispatch()
    assert photos(h) == []

    h.clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))
    await h.dispatch()
    (png,) = photos(h)
    assert png_size(png) == (1200, 800)
    message = h.emulator.chat_messages(USER)[-1]
    caption = message.text or ""
    assert caption.startswith("🌿 Your week, Mon 23 Nov – Sun 29 Nov")
    assert "You shared 4 mood ratings this week. Your average was 5.8" in caption
    assert "from 3 at the lowest to 8 at the highest" in caption
    (data,) = charts
    assert data.means == (5.0, None, 3.0, None, None, None, 7.5)

    await h.dispatch()
    h.clock.advance(minutes=5)
    await h.dispatch()
    assert len(photos(h)) == 1

    await h.restart()
    await h.dispatch()
    assert len(photos(h)) == 1
    sent, following = await summary_deliveries(h)
    assert (sent.status, sent.message_id) == (DeliveryStatus.SENT, message.message_id)
    assert following.status == DeliveryStatus.PENDING
    assert following.due_at == datetime(2026, 12, 6, 17, 0, tzinfo=UTC)

    # the next week had no ratings: a short message, once
    h.clock.set(following.due_at)
    await h.dispatch()
    await h.dispatch()
    texts = [m.text or "" for m in h.emulator.chat_messages(USER)]
    assert sum(t.startswith("🌿 Your week, Mon 30 Nov – Sun 6 Dec") for t in texts) == 1
    assert len(photos(h)) == 1


async def test_two_instances_send_each_weekly_summary_once(harness: Harness) -> None:
    h = harness
    users = [6100 + i for i in range(6)]
    for user_id in users:
        await onboard(h, user_id, zone_label="Berlin")
    async with h.session() as session:
        for user_id in users:
            user = await user_by_telegram_id(session, telegram_id=user_id)
            assert user.id is not None
            await create_ratings(
                session,
                user_id=user.id,
                values=[(local(2026, 11, day, 12), 6) for day in (24, 26, 28)],
            )
        await session.commit()
    second = await h.start(instance="test-2", poll=False)
    first = h.apps[0]
    h.clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))
    await asyncio.gather(
        h.dispatch(first), h.dispatch(second), h.dispatch(first), h.dispatch(second)
    )
    for user_id in users:
        assert len(photos(h, user_id)) == 1, user_id
        sent = [d for d in await summary_deliveries(h, user_id) if d.status == DeliveryStatus.SENT]
        assert len(sent) == 1
        assert sent[0].claimed_by in {"test-1", "test-2"}


async def test_blocked_person_is_skipped_and_marked_inactive(harness: Harness) -> None:
    h = harness
    blocked, other = USER, USER + 1
    for user_id in (blocked, other):
        await onboard(h, user_id, zone_label="Berlin")
    async with h.session() as session:
        for user_id in (blocked, other):
            user = await user_by_telegram_id(session, telegram_id=user_id)
            assert user.id is not None
            await create_ratings(
                session,
                user_id=user.id,
                values=[(local(2026, 11, day, 12), 5) for day in (24, 26, 28)],
            )
        await session.commit()
    assert h.app.updater is not None
    await h.app.updater.stop()  # the bot has not yet seen the block when the summary is due
    h.emulator.block_user(blocked)
    h.clock.set(datetime(2026, 11, 29, 17, 0, tzinfo=UTC))
    await h.dispatch()

    assert photos(h, blocked) == []
    assert len(photos(h, other)) == 1
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == blocked))).one()
    assert not user.active
    (failed,) = await summary_deliveries(h, blocked)
    assert failed.status == DeliveryStatus.FAILED
    h.clock.set(datetime(2026, 12, 6, 17, 0, tzinfo=UTC))
    await h.dispatch()
    assert photos(h, blocked) == []


async def test_the_summary_counts_practices_beside_breaks(
    harness: Harness, charts: list[ChartData]
) -> None:
    h = harness
    h.clock.set(DST_SUNDAY_NIGHT)
    await onboard(h, USER, zone_label="Berlin")
    await seed_october(h)
    async with h.session() as session:
        user = await user_by_telegram_id(session, telegram_id=USER)
        assert user.id is not None
        for kind, day, before, after, status in [
            ("critic", 20, 3, 6, PracticeStatus.COMPLETED),
            ("soothe", 22, 4, 5, PracticeStatus.COMPLETED),
            ("gratitude", 23, None, None, PracticeStatus.COMPLETED),
            ("friend", 23, 5, None, PracticeStatus.ABANDONED),
            ("kindness", 12, 1, 9, PracticeStatus.COMPLETED),  # the week before
        ]:
            session.add(
                PracticeSession(
                    user_id=user.id,
                    kind=kind,
                    started_at=local(2026, 10, day, 18),
                    status=status,
                    mood_before=before,
                    mood_after=after,
                )
            )
        await session.commit()
    message = await h.say(USER, "/summary")
    caption = message.text or ""
    assert (
        "You made time for 3 self-compassion breaks. "
        "On average your mood rose 2.0 points during a break. "
        "You also made time for 4 other practices. "
        "Around them your mood rose 2.0 points on average." in caption
    )


async def test_charts_are_drawn_in_worker_processes(harness: Harness) -> None:
    h = harness
    h.clock.set(DST_SUNDAY_NIGHT)
    h.settings = replace(h.settings, chart_workers=1)
    await h.restart()
    pool = h.services.charts
    assert (pool.workers, pool.started) == (1, False)  # no process before the first chart
    await onboard(h, USER, zone_label="Berlin")
    await seed_october(h)

    week, month = await h.say(USER, "/summary"), await h.say(USER, "/summary month")
    assert pool.started
    assert week.photo is not None and png_size(week.photo) == (1200, 800)
    assert month.photo is not None and month.photo != week.photo
    await h.stop()
    assert not pool.started  # shut down with the application
