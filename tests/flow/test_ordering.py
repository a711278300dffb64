"""Per-person order: different people at once, one person's updates one after another."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.flow.ordering import PerPersonOrder, person_key


def text_update(update_id: int, user_id: int) -> Update:
    """A private text message from ``user_id``, as Telegram sends it."""
    person = {"id": user_id, "is_bot": False, "first_name": "Sam"}
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": user_id, "type": "private"},
        "from": person,
        "text": "hi",
    }
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def test_one_persons_updates_wait_in_order_while_others_go_on() -> None:
    processor = PerPersonOrder()
    gate = asyncio.Event()
    log: list[str] = []

    async def handle(name: str, slow: bool = False) -> None:
        log.append(f"start {name}")
        if slow:
            await gate.wait()
        log.append(f"end {name}")

    tasks = [
        asyncio.create_task(processor.process_update(text_update(1, 7), handle("a1", slow=True))),
        asyncio.create_task(processor.process_update(text_update(2, 7), handle("a2"))),
        asyncio.create_task(processor.process_update(text_update(3, 8), handle("b1"))),
        asyncio.create_task(processor.process_update(text_update(4, 7), handle("a3"))),
    ]
    await asyncio.wait_for(tasks[2], 1)
    assert log == ["start a1", "start b1", "end b1"]
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    assert log[3:] == ["end a1", "start a2", "end a2", "start a3", "end a3"]
    assert processor._last == {}  # nothing kept once a person's line is empty


def test_the_key_is_the_person() -> None:
    assert person_key(text_update(1, 42)) == 42
    assert person_key(object()) is None


async def test_a_flood_from_one_person_leaves_room_for_others() -> None:
    processor = PerPersonOrder(active=2)
    gate = asyncio.Event()
    done: list[str] = []

    async def handle(name: str, slow: bool = False) -> None:
        if slow:
            await gate.wait()
        done.append(name)

    flood = [
        asyncio.create_task(processor.process_update(text_update(n, 7), handle(f"a{n}", n == 1)))
        for n in range(1, 20)
    ]
    other = asyncio.create_task(processor.process_update(text_update(99, 8), handle("b")))
    await asyncio.wait_for(other, 1)  # the 18 waiting behind a1 hold no active place
    assert done == ["b"]
    gate.set()
    await asyncio.wait_for(asyncio.gather(*flood), 1)
    assert done[1:] == [f"a{n}" for n in range(1, 20)]
