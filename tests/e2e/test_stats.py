"""/stats: counts over everyone for the people in ADMIN_USER_IDS; an unknown command to others."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.config import ConfigError, load_settings
from tests.e2e.test_logs import _break
from tests.support.harness import Harness, onboard

ADMIN = 8_120_774_310
USER = 6_404_118_273
OTHER = 6_404_118_274
STRANGER = 6_404_118_275
UNKNOWN = "I don't know that command"


async def _as_admin(h: Harness) -> None:
    h.settings = replace(h.settings, admin_user_ids=frozenset({ADMIN}))
    await h.restart()


async def _gratitude(h: Harness, user_id: int) -> None:
    mark = h.emulator.mark(user_id)
    h.emulator.send_text(user_id, "/gratitude")
    await h.replies(user_id, 2, after=mark)
    await h.say(user_id, "the morning light")
    await h.tap(user_id, "That's all", expect=2)


async def test_an_admin_sees_counts_of_this_week_only(harness: Harness) -> None:
    h = harness
    await _as_admin(h)
    await onboard(h, USER)
    await h.say(USER, "/mood 5 a week ago")  # older than the week: not counted
    await _break(h, USER)
    h.clock.advance(days=8)
    await onboard(h, OTHER)
    await h.say(USER, "/mood 6")
    await h.say(OTHER, "/mood 8 fine")
    await _break(h, OTHER)  # a completed break, rated before and after
    await _gratitude(h, OTHER)
    h.emulator.add_user(ADMIN, first_name="Operator")
    answer = await h.say(ADMIN, "/stats")
    assert answer.text.splitlines()[2:] == [
        "People: 2 in all, 2 here this week",
        "Ratings: 4",
        "Breaks completed: 1",
        "Practices completed: 1",
    ]
    for person in (USER, OTHER, ADMIN):
        assert str(person) not in answer.text
    assert "fine" not in answer.text and "Sam" not in answer.text
    h.clock.advance(days=8)  # a quiet week later
    answer = await h.say(ADMIN, "/stats")
    assert answer.text.splitlines()[2:] == [
        "People: 2 in all, 0 here this week",
        "Ratings: 0",
        "Breaks completed: 0",
        "Practices completed: 0",
    ]


async def test_to_anyone_else_stats_is_an_unknown_command(harness: Harness) -> None:
    h = harness
    await _as_admin(h)
    await onboard(h, USER)
    assert UNKNOWN in (await h.say(USER, "/stats")).text
    assert (await h.say(USER, "/stats")).text == (await h.say(USER, "/nosuchcommand")).text
    h.emulator.add_user(STRANGER)  # not agreed to anything yet: asked, as for any command
    first = await h.say(STRANGER, "/nosuchcommand")
    again = await h.say(STRANGER, "/stats")
    assert "People:" not in first.text + again.text
    assert again.text == (await h.say(STRANGER, "/nosuchcommand")).text
    names = [c["command"] for c in h.emulator.commands()]
    assert "stats" not in names and "help" in names
    assert "/stats" not in (await h.say(USER, "/help")).text


def test_admin_ids_are_read_and_checked() -> None:
    settings = load_settings({"ADMIN_USER_IDS": f" {ADMIN}, {USER} ,"})
    assert settings.admin_user_ids == {ADMIN, USER}
    assert load_settings({}).admin_user_ids == frozenset()
    with pytest.raises(ConfigError, match="ADMIN_USER_IDS"):
        load_settings({"ADMIN_USER_IDS": "@someone"})
