"""/privacy and /delete: asked twice, then nothing of the person is left anywhere."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from tests.support.harness import Harness, onboard

USER = 8008
OTHER = 8009


async def _rows_holding(h: Harness, values: set[int]) -> list[str]:
    """Every table (walked from the metadata, so tables added later too): rows whose person
    columns (a key to users, or a Telegram id) hold one of ``values``."""
    found = []
    async with h.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                points_at_users = any(fk.column.table.name == "users" for fk in column.foreign_keys)
                if not (
                    points_at_users
                    or (column.name in {"telegram_id", "id"} and table.name == "users")
                ):
                    continue
                query = sa.select(sa.func.count()).select_from(table).where(column.in_(values))
                if (await session.exec(query)).one()[0]:  # type: ignore[call-overload]
                    found.append(f"{table.name}.{column.name}")
    return found


async def _answers(h: Harness) -> int:
    async with h.session() as session:
        query = sa.text("SELECT count(*) FROM practice_answers")
        return int((await session.exec(query)).one()[0])  # type: ignore[call-overload]


async def _person_ids(h: Harness, telegram_id: int) -> set[int]:
    async with h.session() as session:
        row = (
            await session.exec(
                sa.text("SELECT id FROM users WHERE telegram_id = :t").bindparams(t=telegram_id)
            )  # type: ignore[call-overload]
        ).one()
    return {row[0], telegram_id}


async def test_delete_asks_twice_then_erases_everything(harness: Harness) -> None:
    h = harness
    for person in (USER, OTHER):
        await onboard(h, person)
        await h.say(person, "/mood 6 a quiet walk")
        await h.say(person, "/mood 4")
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "/safetyplan")
    await h.replies(USER, 2, after=mark)
    reply = await h.say(USER, "not sleeping, cancelling plans")
    assert reply.text.startswith("2 of 7"), reply.text
    await h.say(USER, "/cancel")
    for person in (USER, OTHER):  # a practice with its written answers
        mark = h.emulator.mark(person)
        h.emulator.send_text(person, "/friend")
        await h.replies(person, 2, after=mark)
        await h.tap(person, "Skip")
        await h.say(person, "you're doing fine, rest a bit")
    ids = await _person_ids(h, USER)
    assert await _rows_holding(h, ids)
    assert await _answers(h) == 2

    privacy = await h.say(USER, "/privacy")
    assert "encrypted" in privacy.text
    ask = await h.say(USER, "/delete")
    assert "can't be undone" in ask.text
    (kept,) = await h.tap(USER, "Keep my data")
    assert "Nothing was erased" in kept.text
    await h.say(USER, "/delete")
    (confirm,) = await h.tap(USER, "Erase my data")
    assert "mood ratings: 2," in confirm.text and "breaks: 0," in confirm.text
    assert "practices: 1;" in confirm.text
    assert "your safety plan" in confirm.text and "Telegram id" in confirm.text
    (done,) = await h.tap(USER, "Yes, erase everything")
    assert "Everything is erased" in done.text and "no check-ins" in done.text

    assert await _rows_holding(h, ids) == []
    assert await _answers(h) == 1  # their practice's answers went with it, the other's stay
    assert await _rows_holding(h, await _person_ids(h, OTHER))  # the other person keeps theirs
    mark = h.emulator.mark(USER)
    h.clock.advance(days=8)
    await h.dispatch()  # no check-in or summary comes for them any more
    assert [m for m in h.emulator.chat_messages(USER) if m.message_id > mark] == []
    fresh = await h.say(USER, "/start")
    assert "your data" in fresh.text  # a fresh start: consent first
