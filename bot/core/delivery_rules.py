"""Pure rules of scheduled deliveries: weekday masks and the back-off between attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta


def weekdays_from_mask(mask: int) -> frozenset[int]:
    """Weekday numbers (0 = Monday) from the stored bit mask."""
    return frozenset(d for d in range(7) if mask >> d & 1)


def mask_from_weekdays(days: Sequence[int] | frozenset[int]) -> int:
    """The stored bit mask for weekday numbers."""
    return sum(1 << d for d in set(days))


def retry_delay(attempts: int) -> timedelta:
    """Back-off before the next attempt after ``attempts`` failed ones: 5 s, 10 s, 20 s ... 5 min."""
    return timedelta(seconds=min(300, 5 * 2 ** max(0, attempts - 1)))
