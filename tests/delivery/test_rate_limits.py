"""The sending limits: answers at once, scheduled sends within what is left, 429s per chat."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.delivery.rate_limits import ReplyFirstRateLimiter, scheduled_sends


class FakeTime:
    """A clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class Calls:
    """A stand-in for the Bot API: records when each request went out; may answer 429."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.sent: list[tuple[object, float]] = []
        self.too_many: dict[object, int] = {}  # chat -> how many 429s to answer first

    def callback(self, chat: object) -> Any:
        async def call() -> bool:
            if self.too_many.get(chat, 0) > 0:
                self.too_many[chat] -= 1
                raise RetryAfter(3)
            self.sent.append((chat, self.time.now))
            return True

        return call


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def limiter(time: FakeTime) -> ReplyFirstRateLimiter:
    return ReplyFirstRateLimiter(per_second=30, clock=time.clock, sleep=time.sleep)


async def send(
    limiter: ReplyFirstRateLimiter, calls: Calls, chat: object, endpoint: str = "sendMessage"
) -> object:
    data: dict[str, Any] = {} if chat is None else {"chat_id": chat}
    return await limiter.process_request(calls.callback(chat), (), {}, endpoint, data, None)


async def test_answers_never_wait_for_the_overall_budget(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    start = time.now
    await asyncio.gather(*(send(limiter, calls, 100 + n) for n in range(200)))
    await asyncio.gather(*(send(limiter, calls, None, "answerCallbackQuery") for _ in range(200)))
    assert len(calls.sent) == 400
    assert all(at == start for _, at in calls.sent)


async def test_scheduled_sends_keep_to_30_a_second(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    start = time.now
    with scheduled_sends():
        await asyncio.gather(*(send(limiter, calls, 100 + n) for n in range(120)))
    times = [at - start for _, at in calls.sent]
    assert len(times) == 120
    # no one second holds more than 29 (the 30th after any send is a second later or more)
    assert all(later - first >= 1.0 - 1e-9 for first, later in zip(times, times[29:], strict=False))
    # spread out, not at once: at least 1/58 s apart; 29 a second sustained
    assert all(b - a >= 1 / 58 - 1e-9 for a, b in itertools.pairwise(times))
    assert times[-1] == pytest.approx(4 + 3 / 58, abs=0.01)


async def test_scheduled_sends_after_a_quiet_spell_start_without_a_burst(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    time.now += 60.0
    start = time.now
    with scheduled_sends():
        await asyncio.gather(*(send(limiter, calls, 100 + n) for n in range(31)))
    times = [at - start for _, at in calls.sent]
    assert times[:2] == [0.0, pytest.approx(1 / 58)]
    assert times[29] == pytest.approx(1.0)


async def test_scheduled_sends_take_only_what_answers_leave(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    start = time.now
    await asyncio.gather(*(send(limiter, calls, 100 + n) for n in range(45)))  # a busy moment
    with scheduled_sends():
        await send(limiter, calls, 999)
    # the answers went at once, beyond a second's budget: the prompt waits until they are
    # a second old
    assert calls.sent[-1] == (999, pytest.approx(start + 1.0, abs=0.01))


async def test_a_429_holds_back_only_its_own_chat(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    calls.too_many[7] = 1
    start = time.now
    assert await send(limiter, calls, 7) is True  # waited out retry_after, then sent
    assert calls.sent == [(7, pytest.approx(start + 3.1))]
    time.now = start  # meanwhile another person's answer is not held
    await send(limiter, calls, 8)
    assert calls.sent[-1] == (8, start)


async def test_answers_give_up_after_two_retries(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    calls.too_many[7] = 3
    with pytest.raises(RetryAfter):
        await send(limiter, calls, 7)
    assert calls.too_many[7] == 0 and calls.sent == []


async def test_a_scheduled_429_is_waited_out_then_sent(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    calls.too_many[7] = 1
    start = time.now
    with scheduled_sends():
        await send(limiter, calls, 7)
    assert calls.sent == [(7, pytest.approx(start + 3.1))]


async def test_a_scheduled_429_pauses_scheduled_sends_but_not_answers(time: FakeTime) -> None:
    limiter = ReplyFirstRateLimiter(max_retries=0, clock=time.clock, sleep=time.sleep)
    calls = Calls(time)
    calls.too_many[7] = 1
    start = time.now
    with scheduled_sends(), pytest.raises(RetryAfter):
        await send(limiter, calls, 7)  # the dispatcher reschedules this delivery
    await send(limiter, calls, 8)  # a person's answer goes at once
    with scheduled_sends():
        await send(limiter, calls, 9)  # the next prompt waits out the pause
    assert calls.sent == [(8, start), (9, pytest.approx(start + 3.1))]


async def test_groups_keep_to_20_a_minute(limiter: ReplyFirstRateLimiter, time: FakeTime) -> None:
    calls = Calls(time)
    start = time.now
    for _ in range(21):
        await send(limiter, calls, -100123)
    assert calls.sent[19] == (-100123, start)
    assert calls.sent[20] == (-100123, pytest.approx(start + 60))


async def test_paid_broadcasts_have_their_own_budget(
    limiter: ReplyFirstRateLimiter, time: FakeTime
) -> None:
    calls = Calls(time)
    start = time.now
    with scheduled_sends():
        for n in range(300):
            chat = 100 + n
            data = {"chat_id": chat, "allow_paid_broadcast": True}
            await limiter.process_request(calls.callback(chat), (), {}, "sendMessage", data, None)
    assert calls.sent[-1][1] - start < 1.0
