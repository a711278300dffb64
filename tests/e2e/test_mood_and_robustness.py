"""/mood, and kind answers to everything unexpected."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from bot.storage.models import MoodRating, User
from tests.support.harness import Harness, onboard

USER = 3003
CRISIS = json.loads((Path(__file__).parents[2] / "bot/data/crisis_lines.json").read_text())


async def _ratings(h: Harness) -> list[MoodRating]:
    async with h.session() as session:
        return list((await session.exec(select(MoodRating))).all())


async def test_mood_with_note(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    ask = await h.say(USER, "/mood")
    assert "0 to 10" in ask.text
    (ask_note,) = await h.tap(USER, "8")
    assert "fit how you feel" in ask_note.text  # feelings first; typing is the note
    reply = await h.say(USER, "sunny walk")
    assert "Saved" in reply.text
    (rating,) = await _ratings(h)
    assert (rating.value, rating.kind, rating.note) == (8, "quick", "sunny walk")


async def test_low_quick_mood_offers_a_break(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/mood 3 rough morning")
    saved, offer = await h.replies(USER, 2, after=mark)
    assert "3 out of 10" in saved.text
    assert "break" in offer.text
    (rating,) = await _ratings(h)
    assert (rating.value, rating.note) == (3, "rough morning")
    mark = h.emulator.mark(USER)
    h.emulator.press(USER, "Take a break")
    intro, ask = await h.replies(USER, 2, after=mark)
    assert "0 to 10" in ask.text


async def test_text_where_a_number_is_expected(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/mood")
    reply = await h.say(USER, "pretty good I think")
    assert "0 to 10" in reply.text
    reply = await h.say(USER, "42")
    assert "0 to 10" in reply.text
    assert await _ratings(h) == []
    reply = await h.say(USER, "6")
    assert "fit how you feel" in reply.text
    assert [r.value for r in await _ratings(h)] == [6]


async def test_sticker_photo_voice_in_and_out_of_flows(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    mark = h.emulator.mark(USER)
    h.emulator.send_sticker(USER)
    reply = await h.emulator.next_message(USER, after=mark)
    assert "text and buttons" in reply.text
    await h.say(USER, "/mood")
    mark = h.emulator.mark(USER)
    h.emulator.send_photo(USER, caption="me")
    kind, reminder = await h.replies(USER, 2, after=mark)
    assert "text and buttons" in kind.text and "0 to 10" in reminder.text
    mark = h.emulator.mark(USER)
    h.emulator.send_voice(USER)
    await h.replies(USER, 2, after=mark)
    # the flow is intact
    (ask_note,) = await h.tap(USER, "5")
    assert "fit how you feel" in ask_note.text


async def test_huge_text_is_kept_whole(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/mood")
    await h.tap(USER, "2")
    huge = "so much to say " * 273  # 4095 characters, just under Telegram's limit
    huge = huge[:4096]
    await h.say(USER, huge)
    (rating,) = await _ratings(h)
    assert rating.note == huge


async def test_huge_free_text_outside_a_flow(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "x" * 4096)
    assert "kept" not in reply.text  # nothing outside a flow is stored: it says so only if true


async def test_unknown_command_and_free_text(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "/dance")
    assert "don't know that command" in reply.text
    reply = await h.say(USER, "hello there")
    assert "/break" in reply.text


async def test_forged_buttons_are_refused_politely(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    await h.say(USER, "/mood")
    ask = h.emulator.last_message(USER)
    for data in (
        "nonsense",
        "b:before:999999:5",
        "m:rate:0:99",
        "z:x:1:1",
        "m:rate:0:5'; DROP TABLE",
        "o:tz:0:77",
    ):
        query = h.emulator.press_button(USER, ask.message_id, data)
        answer = await h.emulator.wait_callback_answered(query)
        assert answer.get("text"), data
    assert await _ratings(h) == []
    async with h.session() as session:
        (user,) = (await session.exec(select(User))).all()
    assert user.time_zone == "Europe/Berlin"


async def test_group_chat_invites_to_private_chat(harness: Harness) -> None:
    h = harness
    h.emulator.add_user(USER)
    group = -100200
    mark = h.emulator.mark(group)
    h.emulator.send_text(USER, "/break", chat_id=group)
    reply = await h.emulator.next_message(group, after=mark)
    assert "private" in reply.text
    ((label, _),) = [
        (b["text"], b.get("url")) for row in reply.reply_markup["inline_keyboard"] for b in row
    ]  # type: ignore[index]
    assert reply.reply_markup["inline_keyboard"][0][0]["url"].startswith("https://t.me/")  # type: ignore[index]
    async with h.session() as session:
        assert (await session.exec(select(User))).all() == []


async def test_words_of_danger_get_real_help(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    reply = await h.say(USER, "I want to end my life")
    de = CRISIS["countries"]["DE"]
    assert de["emergency"] in reply.text and reply.text.endswith("Are you safe right now?")
    support, _after = await h.tap(USER, "I'm struggling, but safe for now", expect=2)
    assert de["lines"][0]["phone"] in support.text


async def test_urgent_command(harness: Harness) -> None:
    h = harness
    await onboard(h, USER, zone_label="New York")
    reply = await h.say(USER, "/urgent")
    us = CRISIS["countries"]["US"]
    assert us["emergency"] in reply.text
