"""Another person's buttons: pressed with their ids (and the ids beside them), they change
nothing of theirs and show nothing of theirs."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import time

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.storage import models, practice_models  # noqa: F401  (registers every table)
from bot.ui import callbacks
from bot.ui.texts import t
from tests.e2e.test_checkins import pending_checkin, set_schedule
from tests.support.driver import Driver
from tests.support.harness import Harness, onboard

OWNER = 6101
PRESSER = 6102
OWNER_NAME = "Ottoline"
CONCERN = "everyone would be better off if I just disappeared for good"

Scenario = Callable[[Driver], Awaitable[list[str]]]


async def _breaks(d: Driver) -> list[str]:
    words = ["zebra quilt on a tuesday", "amber lantern whisper"]
    await d.run(OWNER, ["/break", "> 6", words[0], "> Next", "> Next", "> Next", words[1], "> 3"])
    await d.run(OWNER, ["/break", "> 2"])  # a second one, under way
    return words


async def _checkins(d: Driver) -> list[str]:
    words = ["copper kettle evening"]
    await set_schedule(d.h, OWNER, [time(9, 0), time(18, 0)])
    for _ in range(2):
        pending = await pending_checkin(d.h)
        assert pending is not None
        d.h.clock.set(pending.due_at)
        await d.h.dispatch()
        await d.settle()
        d.collect(OWNER)
        if not words[1:]:
            await d.run(OWNER, ["> 3", "> anxious", "> Done", words[0]])
            words.append(words[0])
    return words[:1]


async def _mood(d: Driver) -> list[str]:
    words = ["silver meadow note"]
    await d.run(OWNER, ["/mood", "> 8", "> tired", words[0], "/mood", "> 5", "> sad"])
    return words


async def _practices(d: Driver) -> list[str]:
    words = ["kind harbour lighthouse", "crooked willow voice", "gentle tidepool answer"]
    await d.run(OWNER, ["/friend", "> Skip", *words])
    await d.run(OWNER, ["/critic", "> 3", "velvet drill sergeant"])
    return [*words, "velvet drill sergeant"]


async def _phrases(d: Driver) -> list[str]:
    words = ["violet harbour kindness", "saffron river calm"]
    await d.run(OWNER, ["/phrases", "> Add a phrase", words[0], "> Add a phrase", words[1]])
    await d.run(OWNER, ["> Remove one"])
    return words


async def _safety_plan(d: Driver) -> list[str]:
    words = ["granite window signs", "marigold and my niece"]
    await d.run(OWNER, ["/safetyplan", words[0], *["> Skip"] * 5, words[1]])
    await d.run(OWNER, ["> Change a part", "> People I can ask for help"])
    return words


async def _safety(d: Driver) -> list[str]:
    await d.run(OWNER, ["/break", "> 3", CONCERN])  # paused at "are you safe right now?"
    return [CONCERN]


async def _settings(d: Driver) -> list[str]:
    await d.run(OWNER, ["/checkins"])
    labels = [label for label, _ in d.h.emulator.buttons(d.h.emulator.last_message(OWNER))]
    await d.tap(OWNER, labels[0])
    return []


SCENARIOS: dict[str, Scenario] = {
    "breaks": _breaks,
    "checkins": _checkins,
    "mood": _mood,
    "practices": _practices,
    "phrases": _phrases,
    "safety_plan": _safety_plan,
    "safety": _safety,
    "settings": _settings,
}


async def _user_id(h: Harness, telegram_id: int) -> int:
    async with h.session() as session:
        query = sa.text("SELECT id FROM users WHERE telegram_id = :t").bindparams(t=telegram_id)
        return int((await session.exec(query)).one()[0])  # type: ignore[call-overload]


def _owned(table: sa.Table, user_id: int) -> sa.ColumnElement[bool] | None:
    """Rows of ``table`` that are the person's, directly or through a row of theirs."""
    conditions: list[sa.ColumnElement[bool]] = []
    if table.name == "users":
        conditions.append(table.c.id == user_id)
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            if parent.name == "users":
                conditions.append(column == user_id)
            elif "user_id" in parent.c:
                mine = sa.select(fk.column).where(parent.c.user_id == user_id)
                conditions.append(column.in_(mine))
    return sa.or_(*conditions) if conditions else None


async def _snapshot(h: Harness, user_id: int) -> dict[str, list[str]]:
    """Every row of the person's in every table (walked from the metadata), as text."""
    found: dict[str, list[str]] = {}
    async with h.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            condition = _owned(table, user_id)
            if condition is None:
                continue
            rows = (await session.exec(sa.select(table).where(condition))).all()  # type: ignore[call-overload]
            found[table.name] = sorted(repr(tuple(row)) for row in rows)
    return found


def _forgeries(shown: list[str]) -> list[str]:
    """Each of the owner's buttons with its id, and the ids just below and above."""
    forged: list[str] = []
    for data in shown:
        parsed = callbacks.parse(data)
        assert parsed is not None, data
        refs = [parsed.ref] if parsed.ref == 0 else [parsed.ref - 1, parsed.ref, parsed.ref + 1]
        for ref in refs:
            variant = f"{parsed.flow.value}:{parsed.action}:{ref}:{parsed.value}"
            variant += f":{parsed.state}" if parsed.state else ""
            if variant not in forged:
                forged.append(variant)
    return forged


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_another_persons_buttons_change_and_show_nothing(
    harness: Harness, scenario: str
) -> None:
    h = harness
    d = Driver(h)
    await onboard(h, OWNER, first_name=OWNER_NAME)
    await onboard(h, PRESSER, first_name="Pat")
    await d.settle()
    words = [*await SCENARIOS[scenario](d), OWNER_NAME]
    forged = _forgeries(d.shown[OWNER])
    assert any(callbacks.parse(data).ref for data in forged) or scenario == "settings"  # type: ignore[union-attr]
    owner_id = await _user_id(h, OWNER)
    before = await _snapshot(h, owner_id)
    owner_mark = h.emulator.mark(OWNER)
    presser_mark = h.emulator.mark(PRESSER)
    notices: list[str] = []
    for data in forged:
        target = h.emulator.last_message(PRESSER)
        assert target is not None
        query = h.emulator.press_button(PRESSER, target.message_id, data)
        answer = await h.emulator.wait_callback_answered(query)
        notices.append(str(answer.get("text") or ""))
        await h.say(PRESSER, "/cancel")  # whatever a press began for them, it ends here
    await d.settle()
    assert await _snapshot(h, owner_id) == before
    assert h.emulator.mark(OWNER) == owner_mark
    seen = d.texts_seen(PRESSER, after=presser_mark) + notices
    leaks = [(word, text) for word in words for text in seen if word in text]
    assert leaks == [], leaks


async def test_ids_beyond_the_id_columns_get_the_forged_button_notice(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    await onboard(h, PRESSER)
    target = h.emulator.last_message(PRESSER)
    assert target is not None
    forged = t("fallback.forged_button")
    count = 0
    for prefix, actions in callbacks.ACTIONS.items():
        for action in sorted(actions):
            for ref in (2**31, 2**32 + 1, 2**63 - 1, 10**18 - 1):
                data = f"{prefix.value}:{action}:{ref}:5"
                if len(data) > callbacks.MAX_BYTES:
                    continue
                query = h.emulator.press_button(PRESSER, target.message_id, data)
                answer = await h.emulator.wait_callback_answered(query)
                assert answer.get("text") == forged, data
                count += 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], errors[0].getMessage()
    assert count > 200
