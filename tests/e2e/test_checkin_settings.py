"""/checkins, /pause and /resume as a person uses them: what they see, what is stored and planned.

The fake clock starts on Monday 2026-11-23 at 09:00 UTC: 10:00 in Berlin (UTC+1 in winter).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlmodel import col, select

from bot.emulator import BotMessage
from bot.storage.models import (
    CheckinSchedule,
    CheckinTime,
    Conversation,
    Delivery,
    DeliveryKind,
    User,
)
from tests.support.harness import Harness, onboard

USER = 5005


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def _user(h: Harness) -> User:
    async with h.session() as session:
        return (await session.exec(select(User).where(User.telegram_id == USER))).one()


async def _schedule(h: Harness) -> CheckinSchedule | None:
    async with h.session() as session:
        return (await session.exec(select(CheckinSchedule))).first()


async def _weekdays(h: Harness) -> int:
    schedule = await _schedule(h)
    assert schedule is not None
    return schedule.weekdays


async def _times(h: Harness) -> list[time]:
    async with h.session() as session:
        rows = await session.exec(select(CheckinTime).order_by(col(CheckinTime.at)))
        return [row.at for row in rows.all()]


async def _pending(h: Harness, kind: str = DeliveryKind.CHECKIN) -> list[datetime]:
    """When the planned (pending) deliveries of one kind are due, in UTC."""
    async with h.session() as session:
        rows = await session.exec(
            select(Delivery)
            .where(Delivery.kind == kind, Delivery.status == "pending")
            .order_by(col(Delivery.due_at))
        )
        return [row.due_at for row in rows.all()]


def _message(h: Harness, message_id: int) -> BotMessage:
    return next(m for m in h.emulator.chat_messages(USER) if m.message_id == message_id)


async def press(h: Harness, label: str) -> tuple[str | None, BotMessage]:
    """Tap the button labelled exactly ``label`` on the newest message that has it.

    Returns the notice shown for the tap and the message as it looks afterwards.
    """
    for msg in reversed(h.emulator.chat_messages(USER)):
        data = dict(msg.buttons()).get(label)
        if data is not None:
            break
    else:
        raise AssertionError(f"no button {label!r}")
    query = h.emulator.press_button(USER, msg.message_id, data)
    answer = await h.emulator.wait_callback_answered(query)
    await h.settled()  # the answer comes first, the edit after it
    text = answer.get("text")
    return (str(text) if text else None), _message(h, msg.message_id)


def labels(msg: BotMessage) -> list[str]:
    return [label for label, _ in msg.buttons()]


async def _switched_on(h: Harness) -> BotMessage:
    """Onboarded in Berlin, /checkins, Turn on (the default times)."""
    await onboard(h, USER)
    await h.say(USER, "/checkins")
    _toast, menu = await press(h, "Turn on")
    return menu


async def test_turn_on_picks_default_times_and_plans_the_next(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    menu = await h.say(USER, "/checkins")
    assert "Check-ins are off." in menu.text
    assert "Weekly summary: Sundays at 18:00." in menu.text
    assert "Turn on" in labels(menu) and "Pause" not in labels(menu)
    assert await _pending(h) == []

    _toast, menu = await press(h, "Turn on")
    assert "I've started you with 09:00 and 20:00" in menu.text
    assert "Check-ins are on: 09:00 and 20:00, every day." in menu.text
    assert "Next check-in: today at 20:00." in menu.text
    assert {"Turn off", "Pause", "Done"} <= set(labels(menu))
    schedule = await _schedule(h)
    assert schedule is not None and schedule.enabled and schedule.weekdays == 0b1111111
    assert await _times(h) == [time(9, 0), time(20, 0)]
    assert await _pending(h) == [utc(2026, 11, 23, 19, 0)]  # 20:00 in Berlin

    _toast, menu = await press(h, "Turn off")
    assert "Check-ins are off (your times: 09:00 and 20:00)." in menu.text  # times stay shown
    assert await _pending(h) == []
    assert await _times(h) == [time(9, 0), time(20, 0)]  # kept for next time

    _toast, menu = await press(h, "Turn on")
    assert "started you with" not in menu.text
    _toast, closed = await press(h, "Done")
    assert "All saved" in closed.text and closed.buttons() == []


async def test_set_up_button_at_the_end_of_onboarding(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    ready = h.emulator.last_message(USER)
    assert ready is not None and "Set up check-ins" in labels(ready)
    mark = h.emulator.mark(USER)
    h.emulator.press(USER, "Set up check-ins")
    (menu,) = await h.replies(USER, 1, after=mark)
    assert "Check-ins are off." in menu.text and "Turn on" in labels(menu)
    assert _message(h, ready.message_id).buttons() == ready.buttons()  # left as it was


async def test_adding_the_first_time_while_off_turns_check_ins_on(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    menu = await h.say(USER, "/checkins")
    assert "Check-ins are off." in menu.text
    _toast, screen = await press(h, "Times")
    reply = await h.say(USER, "7:36")
    assert "Added 07:36." in reply.text and "Check-ins are on now." in reply.text
    _toast, menu = await press(h, "‹ Back")
    assert "07:36" in menu.text and "Check-ins are on" in menu.text
    schedule = await _schedule(h)
    assert schedule is not None and schedule.enabled
    assert await _pending(h) == [utc(2026, 11, 24, 6, 36)]  # tomorrow 07:36 in Berlin


async def test_times_by_button_and_by_typing(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    _toast, screen = await press(h, "Times")
    assert "Check-in times: 09:00 and 20:00" in screen.text
    assert {"08:00", "✓ 09:00", "12:30", "18:00", "✓ 20:00", "21:00"} <= set(labels(screen))

    _toast, screen = await press(h, "✓ 20:00")
    _toast, screen = await press(h, "✓ 09:00")
    assert "No check-in times yet" in screen.text
    assert await _times(h) == [] and await _pending(h) == []

    reply = await h.say(USER, "8:30")
    assert "Added 08:30." in reply.text and "✓ 08:30" in labels(reply)
    assert await _pending(h) == [utc(2026, 11, 24, 7, 30)]  # Tuesday 08:30 in Berlin

    reply = await h.say(USER, "9pm, 14:00")
    assert "Added 14:00 and 21:00." in reply.text
    assert await _times(h) == [time(8, 30), time(14, 0), time(21, 0)]
    assert await _pending(h) == [utc(2026, 11, 23, 13, 0)]  # today 14:00 in Berlin

    _toast, screen = await press(h, "08:00")
    assert "Check-in times: 08:00, 08:30, 14:00 and 21:00" in screen.text

    reply = await h.say(USER, "sometime after breakfast")
    assert "couldn't read that as a time" in reply.text
    reply = await h.say(USER, "I want to die")  # words of distress are never just re-asked
    assert reply.text.endswith("Are you safe right now?")
    _okay, reask = await h.tap(USER, "I'm okay, let's go on", expect=2)
    assert "couldn't read that as a time" in reask.text
    reply = await h.say(USER, "18:00")
    assert "up to 4" in reply.text
    toast, _screen = await press(h, "12:30")
    assert toast is not None and "up to 4" in toast
    assert await _times(h) == [time(8, 0), time(8, 30), time(14, 0), time(21, 0)]

    reply = await h.say(USER, "remove 14:00")
    assert "Removed 14:00." in reply.text
    assert await _pending(h) == [utc(2026, 11, 23, 20, 0)]  # today 21:00 in Berlin
    reply = await h.say(USER, "8:30")
    assert "You have 08:30 already." in reply.text

    _toast, screen = await press(h, "Clear all")
    assert await _times(h) == [] and await _pending(h) == []
    _toast, menu = await press(h, "‹ Back")
    assert "no times yet" in menu.text
    async with h.session() as session:  # the typing screen was left
        assert (await session.exec(select(Conversation))).all() == []


async def test_days_presets_custom_and_never_none(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    _toast, screen = await press(h, "Days")
    assert "Check-in days: every day." in screen.text

    _toast, screen = await press(h, "Weekends")
    assert "Check-in days: weekends." in screen.text and "✓ Weekends" in labels(screen)
    assert await _weekdays(h) == 0b1100000
    assert await _pending(h) == [utc(2026, 11, 28, 8, 0)]  # Saturday 09:00 in Berlin

    _toast, screen = await press(h, "Weekdays")
    assert await _pending(h) == [utc(2026, 11, 23, 19, 0)]
    _toast, screen = await press(h, "✓ Mon")  # custom: Tuesday to Friday
    assert "Check-in days: Tue, Wed, Thu, Fri." in screen.text
    assert await _weekdays(h) == 0b0011110
    assert await _pending(h) == [utc(2026, 11, 24, 8, 0)]
    _toast, screen = await press(h, "Sun")
    assert await _weekdays(h) == 0b1011110

    _toast, screen = await press(h, "Weekends")
    _toast, screen = await press(h, "✓ Sat")
    toast, screen = await press(h, "✓ Sun")  # the last day
    assert toast is not None and "at least one day" in toast
    assert "Check-in days: Sun." in screen.text
    assert await _weekdays(h) == 0b1000000
    assert await _pending(h) == [utc(2026, 11, 29, 8, 0)]
    _toast, menu = await press(h, "‹ Back")
    assert "Check-ins are on: 09:00 and 20:00, Sun." in menu.text


async def test_quiet_hours_presets_typed_and_skipped_times(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    await press(h, "Times")
    await press(h, "✓ 20:00")
    await h.say(USER, "23:00")
    assert await _pending(h) == [utc(2026, 11, 23, 22, 0)]  # today 23:00 in Berlin
    await press(h, "‹ Back")

    _toast, screen = await press(h, "Quiet hours")
    assert "No quiet hours yet" in screen.text
    _toast, screen = await press(h, "22:00–07:00")
    assert "Quiet hours: 22:00–07:00" in screen.text and "✓ 22:00–07:00" in labels(screen)
    schedule = await _schedule(h)
    assert schedule is not None and (schedule.quiet_start, schedule.quiet_end) == (
        time(22, 0),
        time(7, 0),
    )
    # 23:00 falls in the quiet hours: not planned; the next is tomorrow's 09:00
    assert await _pending(h) == [utc(2026, 11, 24, 8, 0)]

    _toast, screen = await press(h, "No quiet hours")
    assert await _pending(h) == [utc(2026, 11, 23, 22, 0)]

    reply = await h.say(USER, "sometime late")
    assert "couldn't read that" in reply.text
    reply = await h.say(USER, "10:30pm to 6am")
    assert "Quiet hours: 22:30–06:00" in reply.text
    schedule = await _schedule(h)
    assert schedule is not None and (schedule.quiet_start, schedule.quiet_end) == (
        time(22, 30),
        time(6, 0),
    )
    assert await _pending(h) == [utc(2026, 11, 24, 8, 0)]
    reply = await h.say(USER, "22:00-07:00")
    assert "✓ 22:00–07:00" in labels(reply)

    menu = await h.say(USER, "/checkins")
    assert menu.text is not None
    assert "Check-ins are on: 09:00 and 23:00, every day." in menu.text
    assert "Quiet hours 22:00–07:00." in menu.text
    assert "I won't check in at 23:00" in menu.text
    assert "Weekly summary: Sundays at 18:00." in menu.text
    assert "Next check-in: tomorrow at 09:00." in menu.text


async def test_weekly_summary_changes_replan_the_summary(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    summary = DeliveryKind.SUMMARY
    assert await _pending(h, summary) == [utc(2026, 11, 29, 17, 0)]  # Sunday 18:00 in Berlin
    await h.say(USER, "/checkins")
    _toast, screen = await press(h, "Weekly summary")
    assert "Sundays at 18:00" in screen.text and "✓ Sun" in labels(screen)

    _toast, screen = await press(h, "Fri")
    assert "Weekly summary: Fridays at 18:00." in screen.text
    assert await _pending(h, summary) == [utc(2026, 11, 27, 17, 0)]
    _toast, screen = await press(h, "20:00")
    assert await _pending(h, summary) == [utc(2026, 11, 27, 19, 0)]
    reply = await h.say(USER, "7:30pm")
    assert "Weekly summary: Fridays at 19:30." in reply.text
    assert await _pending(h, summary) == [utc(2026, 11, 27, 18, 30)]
    reply = await h.say(USER, "someday")
    assert "couldn't read that as a time" in reply.text

    _toast, screen = await press(h, "Off")
    assert "Weekly summary: off." in screen.text
    assert await _pending(h, summary) == []
    schedule = await _schedule(h)
    assert schedule is not None and not schedule.summary_enabled
    _toast, screen = await press(h, "On")
    assert await _pending(h, summary) == [utc(2026, 11, 27, 18, 30)]
    schedule = await _schedule(h)
    assert schedule is not None and schedule.summary_enabled
    assert (schedule.summary_weekday, schedule.summary_time) == (4, time(19, 30))
    assert await _pending(h) == []  # check-ins themselves stay off


async def test_pause_and_resume_move_the_next_checkin(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    assert await _pending(h) == [utc(2026, 11, 23, 19, 0)]

    ask = await h.say(USER, "/pause")
    assert labels(ask) == ["Just today", "3 days", "A week", "Until I resume"]
    toast, shown = await press(h, "Just today")
    assert toast is not None and toast.startswith("Paused until Tuesday 00:00.")
    assert "Check-ins are paused until Tuesday 00:00." in shown.text and "Resume" in labels(shown)
    schedule = await _schedule(h)
    assert schedule is not None and schedule.paused
    assert schedule.paused_until == utc(2026, 11, 23, 23, 0)  # Tuesday 00:00 in Berlin
    assert await _pending(h) == [utc(2026, 11, 24, 8, 0)]  # Tuesday 09:00 in Berlin

    await h.say(USER, "/pause")
    toast, _shown = await press(h, "3 days")
    assert toast is not None and toast.startswith("Paused until Thursday 00:00.")
    assert await _pending(h) == [utc(2026, 11, 26, 8, 0)]

    await h.say(USER, "/pause")
    toast, _shown = await press(h, "A week")
    assert toast is not None and toast.startswith("Paused until Monday 30 November, 00:00.")
    assert await _pending(h) == [utc(2026, 11, 30, 8, 0)]

    await h.say(USER, "/pause")
    toast, shown = await press(h, "Until I resume")
    assert toast is not None and "until you resume" in toast
    assert "paused until you resume" in shown.text
    schedule = await _schedule(h)
    assert schedule is not None and schedule.paused and schedule.paused_until is None
    assert await _pending(h) == []

    reply = await h.say(USER, "/resume")
    assert "Check-ins are on again" in reply.text
    assert "Next check-in: today at 20:00." in reply.text  # 19:00 UTC is 20:00 in Berlin
    schedule = await _schedule(h)
    assert schedule is not None and not schedule.paused and schedule.paused_until is None
    assert await _pending(h) == [utc(2026, 11, 23, 19, 0)]
    reply = await h.say(USER, "/resume")
    assert "aren't paused" in reply.text

    # the same from the menu
    await h.say(USER, "/checkins")
    _toast, screen = await press(h, "Pause")
    _toast, menu = await press(h, "3 days")
    assert "paused until Thursday 00:00" in menu.text
    toast, menu = await press(h, "Resume")
    assert toast is not None and "on again" in toast
    assert "Check-ins are on: 09:00 and 20:00, every day." in menu.text
    assert await _pending(h) == [utc(2026, 11, 23, 19, 0)]

    # paused for today: this evening's check-in is not sent
    _toast, screen = await press(h, "Pause")
    await press(h, "Just today")
    mark = h.emulator.mark(USER)
    h.clock.set(utc(2026, 11, 23, 19, 0))
    await h.dispatch()
    assert h.emulator.mark(USER) == mark
    assert await _pending(h) == [utc(2026, 11, 24, 8, 0)]


async def test_pause_and_resume_when_checkins_are_off(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "/pause")
    assert "nothing to pause" in reply.text and reply.buttons() == []
    reply = await h.say(USER, "/resume")
    assert "off right now" in reply.text
    assert await _schedule(h) is None


async def test_forged_settings_buttons_are_refused(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    menu = await h.say(USER, "/checkins")
    for data in (
        "s:on:7:",  # a ref: settings buttons never carry one
        "s:on:0:x",
        "s:time:0:a0845",  # only suggested times are offered as buttons
        "s:time:0:a2599",
        "s:time:0:x0800",
        "s:days:0:a9",
        "s:days:0:all7",
        "s:quiet:0:2200-0600",
        "s:sum:0:d7",
        "s:sum:0:t1234",
        "s:pause:0:year",
        "s:teleport:0:",
    ):
        query = h.emulator.press_button(USER, menu.message_id, data)
        answer = await h.emulator.wait_callback_answered(query)
        assert answer.get("text"), data
    assert await _schedule(h) is None
    assert await _times(h) == []
    assert await _pending(h) == []
    assert _message(h, menu.message_id).text == menu.text


async def test_restart_while_typing_times_carries_on(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    await press(h, "Times")
    await h.restart()
    reply = await h.say(USER, "7:15")
    assert "Added 07:15." in reply.text
    _toast, screen = await press(h, "12:30")  # a button from before the restart
    assert "07:15, 09:00, 12:30 and 20:00" in screen.text
    assert await _times(h) == [time(7, 15), time(9, 0), time(12, 30), time(20, 0)]
    assert await _pending(h) == [utc(2026, 11, 23, 11, 30)]
    reply = await h.say(USER, "/cancel")
    assert "Everything you changed is saved" in reply.text
    async with h.session() as session:
        assert (await session.exec(select(Conversation))).all() == []


async def test_zone_change_keeps_the_local_time(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    await press(h, "Times")
    await press(h, "Clear all")
    await h.say(USER, "8:30")
    assert await _pending(h) == [utc(2026, 11, 24, 7, 30)]  # Tuesday 08:30 in Berlin
    await h.say(USER, "/timezone")
    reply = await h.say(USER, "Tokyo")
    assert "Asia/Tokyo" in reply.text
    assert (await _user(h)).time_zone == "Asia/Tokyo"
    # 18:00 in Tokyo now: the next 08:30 there is Tuesday, 23:30 UTC on Monday
    assert await _pending(h) == [utc(2026, 11, 23, 23, 30)]
    assert await _pending(h, DeliveryKind.SUMMARY) == [utc(2026, 11, 29, 9, 0)]
    menu = await h.say(USER, "/checkins")
    assert "Next check-in: tomorrow at 08:30." in menu.text


async def test_double_tap_adds_a_time_once(harness: Harness) -> None:
    h = harness
    await _switched_on(h)
    _toast, screen = await press(h, "Times")
    data = dict(screen.buttons())["08:00"]
    first = h.emulator.press_button(USER, screen.message_id, data)
    second = h.emulator.press_button(USER, screen.message_id, data)
    await h.emulator.wait_callback_answered(first)
    await h.emulator.wait_callback_answered(second)
    assert await _times(h) == [time(8, 0), time(9, 0), time(20, 0)]
    assert "✓ 08:00" in labels(_message(h, screen.message_id))
