"""/checkins, /pause and /resume: when the bot checks in.

The settings live in one message that is edited in place as the person moves
through it: the menu (what is set, in their local time) and screens for times,
days, quiet hours, the weekly summary and pausing. Its buttons say what they
set ("add 08:00", "remove Tuesday"), so they work whenever they are tapped and a
double tap changes nothing twice. The screens that take a typed answer (times,
quiet hours, the summary time) hold a conversation state, so a restart carries
on. Every change is stored at once and the person's next check-in and weekly
summary are planned again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.core.delivery_rules import mask_from_weekdays, weekdays_from_mask
from bot.core.schedule import (
    PAUSE_CHOICES,
    format_times,
    format_weekdays,
    in_quiet_hours,
    parse_quiet_hours,
    parse_time_of_day,
    parse_times,
    pause_until,
)
from bot.delivery.planning import is_paused, plan_user
from bot.flow import END, KEEP, MAX_TEXT, FlowSpec, Step, Turn
from bot.storage.deliveries import get_schedule, get_times
from bot.storage.models import CheckinSchedule, CheckinTime, Delivery, DeliveryKind, DeliveryStatus
from bot.ui import settings_keyboards
from bot.ui.callbacks import Flow

log = logging.getLogger(__name__)

SETTINGS_FLOW_NAME = "checkin_settings"
MAX_TIMES = 4
DEFAULT_TIMES = (time(9, 0), time(20, 0))

# typed words that empty a setting, per screen
_NO_TIMES = frozenset({"clear", "clear all", "none", "reset"})
_NO_QUIET = frozenset({"none", "no", "off", "clear", "nothing", "no quiet hours"})
_NO_SUMMARY = frozenset({"off", "none", "no", "stop"})
_REMOVE = re.compile(r"^(?:remove|delete|drop|without|-)\s*(?P<rest>.*)$", re.DOTALL)
_TIME_VALUE = re.compile(r"(?P<hour>[01][0-9]|2[0-3])(?P<minute>[0-5][0-9])")
_TOGGLE = re.compile(r"(?P<op>[ar])(?P<rest>.+)")  # "a0830": add 08:30, "r2": remove Wednesday
_DAYS = {str(day): day for day in range(7)}


class SettingsState(StrEnum):
    """The screens that take a typed answer."""

    TIMES = "times"
    QUIET = "quiet"
    SUMMARY = "summary"


def _time_from_value(value: str) -> time | None:
    match = _TIME_VALUE.fullmatch(value)
    return time(int(match["hour"]), int(match["minute"])) if match else None


# --------------------------------------------------------------------------- stored settings


@dataclass(frozen=True)
class Snapshot:
    """What is set for one person right now, read fresh for showing it."""

    schedule: CheckinSchedule
    times: list[time]
    next_due: datetime | None


def _uid(turn: Turn) -> int:
    assert turn.user.id is not None
    return turn.user.id


async def next_checkin(
    session: AsyncSession, *, schedule: CheckinSchedule, user_id: int
) -> datetime | None:
    """When the person's next check-in will really be sent (None: none planned)."""
    if not schedule.enabled:
        return None
    result = await session.exec(
        select(Delivery)
        .where(
            Delivery.user_id == user_id,
            Delivery.kind == DeliveryKind.CHECKIN,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(col(Delivery.due_at))
    )
    return next((d.due_at for d in result.all() if not is_paused(schedule, d.due_at)), None)


async def _snapshot(turn: Turn) -> Snapshot:
    uid = _uid(turn)
    schedule = await get_schedule(turn.session, user_id=uid)
    if schedule is None:  # never set: the defaults, not stored until something changes
        schedule = CheckinSchedule(user_id=uid, updated_at=turn.now)
    times = await get_times(turn.session, user_id=uid)
    due = await next_checkin(turn.session, schedule=schedule, user_id=uid)
    return Snapshot(schedule, times, due)


async def _own_schedule(turn: Turn) -> CheckinSchedule:
    """The person's schedule row, created with the defaults the first time."""
    uid = _uid(turn)
    schedule = await get_schedule(turn.session, user_id=uid)
    if schedule is not None:
        return schedule
    schedule = CheckinSchedule(user_id=uid, updated_at=turn.now)
    try:
        async with turn.session.begin_nested():
            turn.session.add(schedule)
    except IntegrityError:  # created a moment ago by another update
        found = await get_schedule(turn.session, user_id=uid)
        if found is None:
            raise
        schedule = found
    return schedule


async def _changed(turn: Turn, schedule: CheckinSchedule | None = None) -> None:
    """Store a change at once and plan the next check-in and summary again."""
    schedule = schedule or await _own_schedule(turn)
    schedule.updated_at = turn.now
    turn.session.add(schedule)
    await turn.session.flush()
    await plan_user(turn.session, user=turn.user, after=turn.now)


async def _add_times(turn: Turn, times: list[time]) -> None:
    for at in times:
        try:
            async with turn.session.begin_nested():
                turn.session.add(CheckinTime(user_id=_uid(turn), at=at))
        except IntegrityError:  # already there (a double tap)
            pass


async def _remove_times(turn: Turn, times: list[time] | None = None) -> None:
    """Remove some of the person's times (all of them when ``times`` is None)."""
    query = sa.delete(CheckinTime).where(col(CheckinTime.user_id) == _uid(turn))
    if times is not None:
        query = query.where(col(CheckinTime.at).in_(times))
    await turn.session.exec(query)


# --------------------------------------------------------------------------- showing settings


def _when(turn: Turn, instant: datetime, *, until: bool = False) -> str:
    """A moment in the person's local time: "today at 20:00", "Thursday 00:00"..."""
    zone = ZoneInfo(turn.user.time_zone or "UTC")
    local = instant.astimezone(zone)
    days = (local.date() - turn.now.astimezone(zone).date()).days
    if until:
        key = "settings.until.weekday" if days < 7 else "settings.until.date"
    elif days <= 0:
        key = "settings.when.today"
    elif days == 1:
        key = "settings.when.tomorrow"
    else:
        key = "settings.when.weekday" if days < 7 else "settings.when.date"
    return turn.t(
        key,
        time=f"{local:%H:%M}",
        weekday=turn.t(f"settings.weekday.{local.weekday()}"),
        day=local.day,
        month=turn.t(f"settings.month.{local.month}"),
    )


def _range(turn: Turn, start: time, end: time) -> str:
    return turn.t("settings.range", start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def _quiet(schedule: CheckinSchedule) -> tuple[time, time] | None:
    if schedule.quiet_start is None or schedule.quiet_end is None:
        return None
    return schedule.quiet_start, schedule.quiet_end


def _days_label(schedule: CheckinSchedule) -> str:
    return format_weekdays(weekdays_from_mask(schedule.weekdays))


def _summary_line(turn: Turn, schedule: CheckinSchedule) -> str:
    if not schedule.summary_enabled:
        return turn.t("settings.summary_off")
    return turn.t(
        "settings.summary_on",
        weekdays=turn.t(f"settings.weekdays.{schedule.summary_weekday}"),
        time=f"{schedule.summary_time:%H:%M}",
    )


def _state_line(turn: Turn, snap: Snapshot) -> str:
    """On, off or paused, with the times and days."""
    schedule = snap.schedule
    times, days = format_times(snap.times), _days_label(schedule)
    if not schedule.enabled:
        return turn.t("settings.status_off")
    if not snap.times:
        return turn.t("settings.status_no_times")
    if is_paused(schedule, turn.now):
        if schedule.paused_until is None:
            return turn.t("settings.status_paused_forever", times=times, days=days)
        until = _when(turn, schedule.paused_until, until=True)
        return turn.t("settings.status_paused", until=until, times=times, days=days)
    return turn.t("settings.status_on", times=times, days=days)


def _status(turn: Turn, snap: Snapshot) -> str:
    """What is set, in the person's words and local time."""
    schedule = snap.schedule
    lines = [_state_line(turn, snap)]
    quiet = _quiet(schedule)
    if quiet is not None:
        lines.append(turn.t("settings.quiet", range=_range(turn, *quiet)))
        hushed = [at for at in snap.times if in_quiet_hours(at, *quiet)]
        if schedule.enabled and hushed:
            lines.append(turn.t("settings.quiet_skips", times=format_times(hushed)))
    lines.append(_summary_line(turn, schedule))
    if snap.next_due is not None:
        lines.append(turn.t("settings.next", when=_when(turn, snap.next_due)))
    return "\n".join(lines)


def _join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


def _menu(turn: Turn, snap: Snapshot, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    schedule = snap.schedule
    keyboard = settings_keyboards.settings_menu(
        turn.language, enabled=schedule.enabled, paused=is_paused(schedule, turn.now)
    )
    return _join(note, turn.t("settings.title"), _status(turn, snap)), keyboard


def _times_screen(
    turn: Turn, snap: Snapshot, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    now = (
        turn.t("settings.times", times=format_times(snap.times))
        if snap.times
        else turn.t("settings.times_none")
    )
    text = _join(note, now, turn.t("settings.times_help"))
    return text, settings_keyboards.settings_times(snap.times, turn.language)


def _days_screen(turn: Turn, snap: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    weekdays = weekdays_from_mask(snap.schedule.weekdays)
    text = _join(
        turn.t("settings.days", days=_days_label(snap.schedule)), turn.t("settings.days_help")
    )
    return text, settings_keyboards.settings_days(weekdays, turn.language)


def _quiet_screen(
    turn: Turn, snap: Snapshot, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    quiet = _quiet(snap.schedule)
    now = (
        turn.t("settings.quiet_screen", range=_range(turn, *quiet))
        if quiet is not None
        else turn.t("settings.quiet_none")
    )
    text = _join(note, now, turn.t("settings.quiet_help"))
    return text, settings_keyboards.settings_quiet(quiet, turn.language)


def _summary_screen(turn: Turn, snap: Snapshot) -> tuple[str, InlineKeyboardMarkup]:
    schedule = snap.schedule
    text = _join(
        turn.t("settings.summary_intro"),
        _summary_line(turn, schedule),
        turn.t("settings.summary_help"),
    )
    keyboard = settings_keyboards.settings_summary(
        turn.language,
        enabled=schedule.summary_enabled,
        weekday=schedule.summary_weekday,
        at=schedule.summary_time,
    )
    return text, keyboard


async def _show(turn: Turn, screen: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """Show a screen in place of the pressed message, or as a new message after typing."""
    text, keyboard = screen
    query = turn.update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or not message.text:
        await turn.say(text, keyboard)
        return
    found: Message = message

    async def edit() -> None:
        try:
            await found.edit_text(text[:MAX_TEXT], reply_markup=keyboard)
        except BadRequest as exc:  # unchanged (a double tap), or too old to edit
            log.debug("could not show settings: %s", exc.message)

    turn.outbox.append(edit)


# --------------------------------------------------------------------------- where the conversation goes


def _busy_elsewhere(turn: Turn) -> bool:
    return turn.conversation is not None and turn.conversation.flow != SETTINGS_FLOW_NAME


def _leave(turn: Turn) -> str:
    """Out of any typing screen of ours; another flow under way is left as it is."""
    conversation = turn.conversation
    return END if conversation is not None and conversation.flow == SETTINGS_FLOW_NAME else KEEP


def _stay(turn: Turn, state: SettingsState) -> str:
    """Keep a typing screen open, without breaking into another flow under way."""
    return KEEP if _busy_elsewhere(turn) else state


def _pressed(turn: Turn) -> str | None:
    """The pressed button's value; None if this flow could not have made it (refs are 0)."""
    data = turn.callback
    return data.value if data is not None and data.ref == 0 else None


async def _forged(turn: Turn) -> str:
    await turn.toast(turn.t("fallback.forged_button"))
    return KEEP


async def _has_zone(turn: Turn) -> bool:
    if turn.user.time_zone is not None:
        return True
    await turn.say(turn.t("settings.need_zone"))
    return False


# --------------------------------------------------------------------------- commands


async def open_menu(turn: Turn) -> str:
    """/checkins: what is set now, in local time, with buttons to change it."""
    if await _has_zone(turn):
        await turn.say(*_menu(turn, await _snapshot(turn)))
    return _leave(turn)


async def ask_pause(turn: Turn) -> str:
    """/pause: how long to pause check-ins (kindly, if they are off)."""
    if not await _has_zone(turn):
        return _leave(turn)
    snap = await _snapshot(turn)
    if not snap.schedule.enabled:
        await turn.say(turn.t("settings.pause_off"))
        return _leave(turn)
    status = _state_line(turn, snap) if is_paused(snap.schedule, turn.now) else None
    await turn.say(
        _join(status, turn.t("settings.pause_ask")),
        settings_keyboards.pause_choices(turn.language, back=False),
    )
    return _leave(turn)


async def resume(turn: Turn) -> str:
    """/resume: check-ins start again; says when the next one is."""
    if not await _has_zone(turn):
        return _leave(turn)
    schedule = await get_schedule(turn.session, user_id=_uid(turn))
    if schedule is None or not schedule.enabled:
        await turn.say(turn.t("settings.resume_off"))
        return _leave(turn)
    was_paused = is_paused(schedule, turn.now)
    if schedule.paused:
        schedule.paused, schedule.paused_until = False, None
        await _changed(turn, schedule)
    snap = await _snapshot(turn)
    if not was_paused:
        first = turn.t("settings.not_paused")
    elif snap.times:
        first = turn.t("settings.resumed")
    else:
        first = turn.t("settings.resumed_no_times")
    upcoming = turn.t("settings.next", when=_when(turn, snap.next_due)) if snap.next_due else None
    await turn.say("\n".join(line for line in (first, upcoming) if line))
    return _leave(turn)


async def cancel(turn: Turn) -> str:
    """/cancel on a typing screen: what was changed stays changed."""
    await turn.say(turn.t("settings.cancelled"))
    return END


# --------------------------------------------------------------------------- menu buttons


async def menu_button(turn: Turn) -> str:
    """The "Set up check-ins" button after onboarding: the menu, as a new message."""
    if _pressed(turn) != "":
        return await _forged(turn)
    return await open_menu(turn)


async def back(turn: Turn) -> str:
    """Back to the menu from any screen."""
    if _pressed(turn) != "":
        return await _forged(turn)
    await _show(turn, _menu(turn, await _snapshot(turn)))
    return _leave(turn)


async def done(turn: Turn) -> str:
    """Done: the settings as they are now, without buttons."""
    if _pressed(turn) != "":
        return await _forged(turn)
    snap = await _snapshot(turn)
    await _show(turn, (_join(_status(turn, snap), turn.t("settings.saved")), None))
    return _leave(turn)


async def turn_on(turn: Turn) -> str:
    """Turn check-ins on; with no times yet, start with sensible ones and say so."""
    if _pressed(turn) != "":
        return await _forged(turn)
    schedule = await _own_schedule(turn)
    schedule.enabled = True
    note = None
    if not await get_times(turn.session, user_id=_uid(turn)):
        await _add_times(turn, list(DEFAULT_TIMES))
        note = turn.t("settings.defaults", times=format_times(DEFAULT_TIMES))
    await _changed(turn, schedule)
    await _show(turn, _menu(turn, await _snapshot(turn), note))
    return _leave(turn)


async def turn_off(turn: Turn) -> str:
    """Turn check-ins off (times and days are kept; a pause ends)."""
    if _pressed(turn) != "":
        return await _forged(turn)
    schedule = await _own_schedule(turn)
    schedule.enabled = False
    schedule.paused, schedule.paused_until = False, None
    await _changed(turn, schedule)
    await _show(turn, _menu(turn, await _snapshot(turn)))
    return _leave(turn)


async def times_button(turn: Turn) -> str:
    """Times: open the screen, or add a suggested time / remove a chosen one."""
    value = _pressed(turn)
    if value == "":
        await _show(turn, _times_screen(turn, await _snapshot(turn)))
        return SettingsState.TIMES
    toggle = _TOGGLE.fullmatch(value or "")
    at = _time_from_value(toggle["rest"]) if toggle else None
    if (
        toggle is None
        or at is None
        or (toggle["op"] == "a" and at not in settings_keyboards.SUGGESTED_TIMES)
    ):
        return await _forged(turn)
    times = await get_times(turn.session, user_id=_uid(turn))
    if toggle["op"] == "a" and at not in times:
        if len(times) >= MAX_TIMES:
            await turn.toast(turn.t("settings.times_too_many"))
            return _stay(turn, SettingsState.TIMES)
        await _add_times(turn, [at])
    elif toggle["op"] == "r":
        await _remove_times(turn, [at])
    await _changed(turn)
    await _show(turn, _times_screen(turn, await _snapshot(turn)))
    return _stay(turn, SettingsState.TIMES)


async def clear_times(turn: Turn) -> str:
    """Clear all: no check-in times (until new ones are added)."""
    if _pressed(turn) != "":
        return await _forged(turn)
    await _remove_times(turn)
    await _changed(turn)
    await _show(turn, _times_screen(turn, await _snapshot(turn)))
    return _stay(turn, SettingsState.TIMES)


async def days_button(turn: Turn) -> str:
    """Days: open the screen, pick a set, or switch one day on or off (never none)."""
    value = _pressed(turn)
    if value is None:
        return await _forged(turn)
    if value == "":
        await _show(turn, _days_screen(turn, await _snapshot(turn)))
        return _leave(turn)
    toggle = None if value in settings_keyboards.DAY_PRESETS else _TOGGLE.fullmatch(value)
    if value not in settings_keyboards.DAY_PRESETS and (
        toggle is None or toggle["rest"] not in _DAYS
    ):
        return await _forged(turn)
    schedule = await _own_schedule(turn)
    if toggle is None:
        chosen = settings_keyboards.DAY_PRESETS[value]
    else:
        current, day = weekdays_from_mask(schedule.weekdays), _DAYS[toggle["rest"]]
        chosen = current | {day} if toggle["op"] == "a" else current - {day}
    if not chosen:
        await turn.toast(turn.t("settings.days_need_one"))
        return _leave(turn)
    schedule.weekdays = mask_from_weekdays(chosen)
    await _changed(turn, schedule)
    await _show(turn, _days_screen(turn, await _snapshot(turn)))
    return _leave(turn)


async def quiet_button(turn: Turn) -> str:
    """Quiet hours: open the screen, or pick a preset or none."""
    value = _pressed(turn)
    if value == "":
        await _show(turn, _quiet_screen(turn, await _snapshot(turn)))
        return SettingsState.QUIET
    presets = {
        settings_keyboards.quiet_value(*quiet): quiet for quiet in settings_keyboards.QUIET_PRESETS
    }
    if value != "none" and value not in presets:
        return await _forged(turn)
    await _set_quiet(turn, presets.get(value or ""))
    await _show(turn, _quiet_screen(turn, await _snapshot(turn)))
    return _stay(turn, SettingsState.QUIET)


async def _set_quiet(turn: Turn, quiet: tuple[time, time] | None) -> None:
    schedule = await _own_schedule(turn)
    schedule.quiet_start, schedule.quiet_end = quiet if quiet is not None else (None, None)
    await _changed(turn, schedule)


async def summary_button(turn: Turn) -> str:
    """Weekly summary: open the screen, switch it on or off, or pick its day or time."""
    value = _pressed(turn)
    if value == "":
        await _show(turn, _summary_screen(turn, await _snapshot(turn)))
        return SettingsState.SUMMARY
    presets = {settings_keyboards.time_value(at): at for at in settings_keyboards.SUMMARY_TIMES}
    value = value or ""
    if value not in {"on", "off"} and not (
        (value[:1] == "d" and value[1:] in _DAYS) or (value[:1] == "t" and value[1:] in presets)
    ):
        return await _forged(turn)
    schedule = await _own_schedule(turn)
    schedule.summary_enabled = value != "off"
    if value[:1] == "d":
        schedule.summary_weekday = _DAYS[value[1:]]
    elif value[:1] == "t":
        schedule.summary_time = presets[value[1:]]
    await _changed(turn, schedule)
    await _show(turn, _summary_screen(turn, await _snapshot(turn)))
    return _stay(turn, SettingsState.SUMMARY)


async def pause_button(turn: Turn) -> str:
    """Pause: show how long, or pause for the chosen time (confirmed in local time)."""
    value = _pressed(turn)
    if value == "":
        await _show(
            turn,
            (
                turn.t("settings.pause_ask"),
                settings_keyboards.pause_choices(turn.language, back=True),
            ),
        )
        return _leave(turn)
    if value not in PAUSE_CHOICES:
        return await _forged(turn)
    schedule = await _own_schedule(turn)
    if not schedule.enabled:
        await turn.toast(turn.t("settings.pause_off"))
    else:
        until = pause_until(value, turn.now, turn.user.time_zone or "UTC")
        schedule.paused, schedule.paused_until = True, until
        await _changed(turn, schedule)
        await turn.toast(
            turn.t("settings.paused", until=_when(turn, until, until=True))
            if until is not None
            else turn.t("settings.paused_forever")
        )
    await _show(turn, _menu(turn, await _snapshot(turn)))
    return _leave(turn)


async def resume_button(turn: Turn) -> str:
    """Resume (in the menu): check-ins start again."""
    if _pressed(turn) != "":
        return await _forged(turn)
    schedule = await _own_schedule(turn)
    if schedule.paused:
        schedule.paused, schedule.paused_until = False, None
        await _changed(turn, schedule)
        await turn.toast(turn.t("settings.resumed"))
    await _show(turn, _menu(turn, await _snapshot(turn)))
    return _leave(turn)


# --------------------------------------------------------------------------- typed answers


async def _unreadable(turn: Turn, key: str) -> str:
    """A kind re-ask (the words were screened for danger before they got here)."""
    await turn.say(turn.t(key))
    return KEEP


async def times_text(turn: Turn) -> str:
    """Typed times ("8:30, 21:00", "9pm"), "remove 8:30" or "clear"."""
    text = (turn.text or "").strip()
    if text.lower() in _NO_TIMES:
        await _remove_times(turn)
        note = turn.t("settings.times_cleared")
    else:
        removing = _REMOVE.fullmatch(text.lower())
        typed = parse_times(removing["rest"] if removing else text)
        if typed is None:
            return await _unreadable(turn, "settings.times_unreadable")
        times = await get_times(turn.session, user_id=_uid(turn))
        if removing:
            gone = [at for at in typed if at in times]
            await _remove_times(turn, gone)
            note = (
                turn.t("settings.times_removed", times=format_times(gone))
                if gone
                else turn.t("settings.times_not_set", times=format_times(typed))
            )
        else:
            new = [at for at in typed if at not in times]
            if len(times) + len(new) > MAX_TIMES:
                await turn.say(turn.t("settings.times_too_many"))
                return KEEP
            await _add_times(turn, new)
            note = (
                turn.t("settings.times_added", times=format_times(new))
                if new
                else turn.t("settings.times_already", times=format_times(typed))
            )
    await _changed(turn)
    await _show(turn, _times_screen(turn, await _snapshot(turn), note))
    return KEEP


async def quiet_text(turn: Turn) -> str:
    """Typed quiet hours ("22:00-07:00", "10pm to 7am") or "none"."""
    text = (turn.text or "").strip()
    if text.lower() in _NO_QUIET:
        await _set_quiet(turn, None)
    else:
        quiet = parse_quiet_hours(text)
        if quiet is None:
            return await _unreadable(turn, "settings.quiet_unreadable")
        await _set_quiet(turn, quiet)
    await _show(turn, _quiet_screen(turn, await _snapshot(turn)))
    return KEEP


async def summary_text(turn: Turn) -> str:
    """A typed time for the weekly summary ("19:30", "7pm"), or "off"."""
    text = (turn.text or "").strip()
    at = parse_time_of_day(text)
    if at is None and text.lower() not in _NO_SUMMARY:
        return await _unreadable(turn, "settings.summary_unreadable")
    schedule = await _own_schedule(turn)
    schedule.summary_enabled = at is not None
    if at is not None:
        schedule.summary_time = at
    await _changed(turn, schedule)
    await _show(turn, _summary_screen(turn, await _snapshot(turn)))
    return KEEP


def build_flow() -> FlowSpec:
    """The check-in settings: commands, buttons that work whenever tapped, typing screens."""
    return FlowSpec(
        name=SETTINGS_FLOW_NAME,
        prefix=Flow.SETTINGS,
        commands={"checkins": open_menu, "pause": ask_pause, "resume": resume},
        buttons={
            "menu": menu_button,
            "back": back,
            "done": done,
            "on": turn_on,
            "off": turn_off,
            "time": times_button,
            "clear": clear_times,
            "days": days_button,
            "quiet": quiet_button,
            "sum": summary_button,
            "pause": pause_button,
            "resume": resume_button,
        },
        steps={
            SettingsState.TIMES: Step(on_text=times_text, reminder="settings.times_help"),
            SettingsState.QUIET: Step(on_text=quiet_text, reminder="settings.quiet_help"),
            SettingsState.SUMMARY: Step(on_text=summary_text, reminder="settings.summary_help"),
        },
        on_cancel=cancel,
    )
