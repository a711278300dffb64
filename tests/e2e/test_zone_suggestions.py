"""A misspelled city: close spellings as buttons, at /start and when changing zone later."""

from __future__ import annotations

from sqlmodel import select

from bot.storage.models import User
from tests.support.harness import Harness, agree, onboard

USER = 1301


async def _zone(h: Harness) -> str | None:
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == USER))).one()
        return user.time_zone


async def _start(h: Harness) -> None:
    h.emulator.add_user(USER)
    await agree(h, USER)


async def test_a_misspelled_city_at_start_offers_the_city_as_a_button(harness: Harness) -> None:
    h = harness
    await _start(h)
    ask = await h.say(USER, "Muncih")
    assert ask.text == ("I couldn't find that exact name. Did you mean Munich (Europe/Berlin)?")
    labels = [label for label, _data in h.emulator.buttons(ask)]
    assert labels == ["Munich (Europe/Berlin)", "None of these: I'll type it again"]
    assert await _zone(h) is None  # nothing is set until they choose

    data = dict(h.emulator.buttons(ask))["Munich (Europe/Berlin)"]
    assert data.startswith("o:tzcity:0:") and len(data.encode()) <= 64
    confirm, ready = await h.tap(USER, "Munich (Europe/Berlin)", expect=2)
    assert "Europe/Berlin" in confirm.text  # exactly as if they had typed it
    assert "/break" in ready.text
    assert await _zone(h) == "Europe/Berlin"
    (chosen,) = [m for m in h.emulator.chat_messages(USER) if m.message_id == ask.message_id]
    assert chosen.text.endswith("Munich (Europe/Berlin)") and not h.emulator.buttons(chosen)

    # the same button again, once the zone is set: an earlier step, nothing moves
    query = h.emulator.press_button(USER, ask.message_id, data)
    answer = await h.emulator.wait_callback_answered(query)
    assert "earlier step" in answer.get("text", "")
    assert await _zone(h) == "Europe/Berlin"


async def test_several_close_spellings_and_typing_again(harness: Harness) -> None:
    h = harness
    await _start(h)
    ask = await h.say(USER, "Barcelna")
    assert ask.text == "I couldn't find that exact name. Did you mean one of these?"
    labels = [label for label, _data in h.emulator.buttons(ask)]
    assert labels[:2] == ["Barcelona (Europe/Madrid)", "Barcelona (America/Caracas)"]
    assert labels[-1] == "None of these: I'll type it again"
    (again,) = await h.tap(USER, "None of these: I'll type it again")
    assert "Type the name of your city" in again.text
    assert await _zone(h) is None
    confirm = await h.say(USER, "Barcelona")
    assert "Europe/Madrid" in confirm.text
    assert await _zone(h) == "Europe/Madrid"


async def test_changing_zone_later_offers_suggestions_and_refuses_forged_ones(
    harness: Harness,
) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/timezone")
    ask = await h.say(USER, "Manchestr")
    assert "Manchester (Europe/London)" in [label for label, _ in h.emulator.buttons(ask)]
    real = dict(h.emulator.buttons(ask))["Manchester (Europe/London)"]
    state = real.rsplit(":", 1)[-1]
    for forged in (
        f"o:tzcity:0:999999999:{state}",  # no such city
        f"o:tzcity:0:abc:{state}",
        f"o:tzname:0:Europe/Atlantis:{state}",  # no such zone
        f"o:tzname:0:Etc/GMT+5:{state}",
    ):
        query = h.emulator.press_button(USER, ask.message_id, forged)
        answer = await h.emulator.wait_callback_answered(query)
        assert answer.get("text", "").startswith("Sorry, I couldn't read that button"), forged
    assert await _zone(h) == "Europe/Berlin"

    confirm, follows = await h.tap(USER, "Manchester (Europe/London)", expect=2)
    assert "Europe/London" in confirm.text
    assert "follow your new time zone" in follows.text
    assert await _zone(h) == "Europe/London"
