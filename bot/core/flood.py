"""Flood control: a small token bucket per person, pure (the caller passes the time)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    """What to do with one update."""

    HANDLE = "handle"
    WARN = "warn"  # the first update over the limit: say so, kindly, once
    DROP = "drop"  # more over the limit: let it pass unhandled


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodGate:
    """Up to ``burst`` updates at once, then ``per_minute`` a minute, for each person."""

    def __init__(self, *, burst: int, per_minute: float, max_people: int = 10_000) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("a flood gate needs a burst of at least 1 and a positive rate")
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.max_people = max_people
        self._buckets: dict[int, _Bucket] = {}

    def check(self, person: int, now: float) -> Verdict:
        """Take one token for ``person`` at monotonic time ``now``."""
        bucket = self._buckets.get(person)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._buckets[person] = _Bucket(tokens=self.burst, at=now)
        bucket.tokens = min(self.burst, bucket.tokens + max(0.0, now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if bucket.tokens >= self.burst / 2:
                bucket.warned = False  # calm again: a later flood is told once more
            return Verdict.HANDLE
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: forget people whose bucket has filled up again."""
        if len(self._buckets) < self.max_people:
            return
        full = [
            person
            for person, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.rate >= self.burst
        ]
        for person in full or list(self._buckets)[: self.max_people // 2]:
            del self._buckets[person]
