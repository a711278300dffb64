"""The per-person token bucket."""

from __future__ import annotations

import pytest

from bot.core.flood import FloodGate, Verdict


def test_a_burst_passes_then_one_warning_then_drops() -> None:
    gate = FloodGate(burst=3, per_minute=60)
    verdicts = [gate.check(1, 0.0) for _ in range(6)]
    assert verdicts == [Verdict.HANDLE] * 3 + [Verdict.WARN] + [Verdict.DROP] * 2


def test_tokens_come_back_at_the_rate() -> None:
    gate = FloodGate(burst=2, per_minute=60)  # one a second
    assert [gate.check(1, 0.0) for _ in range(3)][-1] == Verdict.WARN
    assert gate.check(1, 0.5) == Verdict.DROP
    assert gate.check(1, 1.0) == Verdict.HANDLE
    assert gate.check(1, 1.0) == Verdict.DROP  # still in the same flood: no second warning


def test_a_calm_person_is_warned_again_in_a_later_flood() -> None:
    gate = FloodGate(burst=2, per_minute=60)
    [gate.check(1, 0.0) for _ in range(3)]
    assert [gate.check(1, 10.0) for _ in range(3)] == [Verdict.HANDLE, Verdict.HANDLE, Verdict.WARN]


def test_people_have_their_own_buckets() -> None:
    gate = FloodGate(burst=1, per_minute=1)
    assert gate.check(1, 0.0) == Verdict.HANDLE
    assert gate.check(1, 0.0) == Verdict.WARN
    assert gate.check(2, 0.0) == Verdict.HANDLE


def test_memory_stays_bounded() -> None:
    gate = FloodGate(burst=1, per_minute=60, max_people=10)
    for person in range(100):
        gate.check(person, float(person))
    assert len(gate._buckets) <= 10


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError):
        FloodGate(burst=0, per_minute=60)
