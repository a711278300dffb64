"""One person's flood of updates is slowed, with one kind word; everyone else is not."""

from __future__ import annotations

import time
from dataclasses import replace

from bot.ui.texts import t
from tests.support.driver import Driver
from tests.support.harness import Harness, onboard

FLOODER = 6301
OTHER = 6302
CALM = 6303
FLOOD = 300
CALM_BURST = 8


async def _behind(h: Harness, person: int, count: int) -> tuple[float, int]:
    """The other person's wait for an answer, sent just after ``count`` texts from ``person``,
    and how many answers ``person`` had been sent by the moment it arrived."""
    mark = h.emulator.mark(person)
    for number in range(count):
        h.emulator.send_text(person, f"hello {number}")
    start = time.perf_counter()
    await h.say(OTHER, "/help", timeout=30.0)
    waited = time.perf_counter() - start
    answered = [m for m in h.emulator.chat_messages(person) if m.message_id > mark]
    return waited, len(answered)


async def test_a_flood_is_slowed_and_others_are_not(harness: Harness) -> None:
    h = harness
    h.settings = replace(h.settings, flood_burst=12, flood_per_minute=120)
    await h.restart()
    d = Driver(h)
    for person in (FLOODER, CALM, OTHER):
        await onboard(h, person)
    await d.settle()
    await d.say(CALM, "hello")  # the crisis screen reads its lexicon on first use
    # the baseline: the other person waits behind a few messages from someone calm
    behind_calm, _ = await _behind(h, CALM, CALM_BURST)
    await d.settle()
    mark = h.emulator.mark(FLOODER)
    behind_flood, flood_answered = await _behind(h, FLOODER, FLOOD)  # queued behind the flood
    await d.settle()
    received = [m.text for m in h.emulator.chat_messages(FLOODER) if m.message_id > mark]
    assert received.count(t("fallback.flood")) == 1
    # the burst (and what trickled back in meanwhile) answered, one kind word, the rest let pass
    assert 5 < len(received) < 12 + 1 + 10
    # by the time the other person was answered, the flooder had been sent no more than the
    # burst, the kind word and the trickle: the rest were let pass. A count, not a time: the
    # waits are only printed, as a loaded machine stretches them.
    assert flood_answered < 12 + 1 + 10
    print(
        f"behind {CALM_BURST} calm messages {behind_calm * 1000:.0f} ms, "
        f"behind a flood of {FLOOD} {behind_flood * 1000:.0f} ms ({flood_answered} answered)"
    )


async def test_words_of_danger_are_answered_even_in_a_flood(harness: Harness) -> None:
    h = harness
    h.settings = replace(h.settings, flood_burst=4, flood_per_minute=1)
    await h.restart()
    d = Driver(h)
    await onboard(h, FLOODER)
    await d.settle()
    for number in range(10):
        h.emulator.send_text(FLOODER, f"hi {number}")
    await d.settle()
    reply = await h.say(FLOODER, "I want to end my life")
    assert reply.text.endswith("Are you safe right now?")
