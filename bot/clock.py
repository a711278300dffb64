"""The current instant, injectable so that tests control time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current aware UTC instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        return datetime.now(UTC)
