"""/start, time zones, /help and the command menu, as a person sees them."""

from __future__ import annotations

from sqlmodel import select

from bot.storage.models import MoodRating, User
from tests.support.harness import Harness, agree, onboard

USER = 1001


async def _user(h: Harness, telegram_id: int = USER) -> User:
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == telegram_id))).one()
        return user


async def test_start_welcomes_and_asks_for_time_zone(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER, first_name="Sam")
    welcome, ask = await agree(h, USER)
    assert "Sam" in welcome.text
    assert "not therapy" in welcome.text and "emergency" in welcome.text
    assert "/sos" in welcome.text  # where to find urgent help, before the zone is known
    labels = [label for label, _ in h.emulator.buttons(ask)]
    assert "Berlin" in labels and "New York" in labels
    confirm, ready = await h.tap(USER, "Berlin", expect=2)
    assert "Europe/Berlin" in confirm.text
    assert "/break" in ready.text
    assert (await _user(h)).time_zone == "Europe/Berlin"


async def test_typed_city_and_nonsense(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER)
    await agree(h, USER)
    reply = await h.say(USER, "qwertyuiop")
    assert "couldn't find" in reply.text
    assert (await _user(h)).time_zone is None
    reply = await h.say(USER, "new york")
    assert "America/New_York" in reply.text
    assert (await _user(h)).time_zone == "America/New_York"


async def test_a_typed_city_found_in_the_city_database(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER)
    await agree(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "Munich")
    confirm, _ready = await h.replies(USER, 2, after=mark)
    assert "Europe/Berlin" in confirm.text
    assert (await _user(h)).time_zone == "Europe/Berlin"


async def test_start_again_keeps_everything(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/mood 6")
    reply = await h.say(USER, "/start")
    assert "Welcome back" in reply.text or "Good to see you" in reply.text
    user = await _user(h)
    assert user.time_zone == "Europe/Berlin"
    async with h.session() as session:
        ratings = (await session.exec(select(MoodRating))).all()
    assert [r.value for r in ratings] == [6]


async def test_timezone_command_changes_zone(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "/timezone")
    assert "Europe/Berlin" in reply.text
    reply = await h.say(USER, "Tokyo")
    assert "Asia/Tokyo" in reply.text
    assert (await _user(h)).time_zone == "Asia/Tokyo"


async def test_help_lists_commands_and_menu_is_registered(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "/help")
    for command in ("/break", "/mood", "/sos", "/urgent", "/safetyplan", "/cancel"):
        assert command in reply.text
    assert "Neff" in reply.text
    registered = [r for r in h.emulator.requests if r.method == "setMyCommands"]
    assert registered, "the command menu was never registered"
    names = [c["command"] for c in registered[-1].params["commands"]]  # type: ignore[index]
    assert {"break", "mood", "help", "cancel", "sos", "urgent", "safetyplan"} <= set(names)
