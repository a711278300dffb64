"""/learn (short notes paced by Next, each with its source) and /resources (links out)."""

from __future__ import annotations

from bot.ui.learn_keyboards import RESOURCES
from tests.support.harness import Harness, onboard

USER = 9229


def _labels(h: Harness, message: object) -> list[str]:
    return [label for label, _ in h.emulator.buttons(message)]  # type: ignore[arg-type]


async def test_six_notes_one_at_a_time_each_with_its_source(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    note = await h.say(USER, "/learn")
    assert "not self-pity" in note.text and "Source: Kristin Neff" in note.text
    assert "(1 of 6)" in note.text and _labels(h, note) == ["Next →", "Done"]
    seen = [note.text]
    for number in range(2, 7):
        (note,) = await h.tap(USER, "Next")
        assert f"({number} of 6)" in note.text and "Source" in note.text
        seen.append(note.text)
    assert ["self-indulgence" in seen[1], "weakness" in seen[2], "excuses" in seen[3]] == [True] * 3
    assert "motivation" in seen[4] and "self-compassion.org" in seen[5]
    assert "/resources" in note.text and _labels(h, note) == ["Done"]  # the last one
    (goodbye,) = await h.tap(USER, "Done")
    assert "/learn" in goodbye.text


async def test_a_double_tap_moves_on_once_and_a_restart_resumes(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    first = await h.say(USER, "/learn")
    (second,) = await h.tap(USER, "Next")
    next_data = dict(h.emulator.buttons(first))["Next →"]
    query = h.emulator.press_button(USER, first.message_id, next_data)  # the old button again
    await h.emulator.wait_callback_answered(query)
    await h.settled()  # the button is answered first, the rest follows
    assert h.emulator.chat_messages(USER)[-1].message_id == second.message_id
    await h.restart()
    mark = h.emulator.mark(USER)
    h.emulator.send_text(USER, "hello?")
    *_, again = await h.replies(USER, 2, after=mark)
    assert "(2 of 6)" in again.text
    (third,) = await h.tap(USER, "Next")
    assert "(3 of 6)" in third.text
    reply = await h.say(USER, "/cancel")
    assert "/learn" in reply.text


async def test_resources_describe_each_with_a_link(harness: Harness) -> None:
    h = harness
    await onboard(h, USER)
    message = await h.say(USER, "/resources")
    for words in ("Self-Compassion, by Kristin Neff", "Workbook", "Center for Mindful", "free"):
        assert words in message.text
    rows = (message.reply_markup or {})["inline_keyboard"]
    urls = [button["url"] for row in rows for button in row]
    assert urls == [url for _name, url in RESOURCES]
    assert all(url.startswith("https://") for url in urls)
