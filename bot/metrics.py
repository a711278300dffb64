"""What the bot counts for ``/metrics``: kinds, outcomes and levels, never a person.

Each application has its own registry (made in ``build_application``), so nothing is
counted in a process-wide default registry and two applications in one process (tests,
the demo) never mix their figures. No label carries an id, a name or any text.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from telegram import Update

from bot.core.crisis_screen.result import Level

METRICS_KEY = "metrics"
CONTENT_TYPE = CONTENT_TYPE_LATEST

# the kinds of update the bot asks for, in the order an update is told apart
UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member")
DELIVERY_KINDS = ("checkin", "summary")
# seconds from taking an update to finishing it (waiting for the person's previous one included)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# the dispatcher's fixed reasons for skipping a delivery, as short label values
SKIP_REASONS = {"past the grace window": "late", "check-ins off": "off", "paused": "paused"}


def update_kind(update: object) -> str:
    """The kind of an update (``other`` for anything the bot did not ask for)."""
    if isinstance(update, Update):
        for kind in UPDATE_KINDS:
            if getattr(update, kind) is not None:
                return kind
    return "other"


def skip_reason(detail: str | None) -> str:
    """A skipped delivery's reason as a label value."""
    return SKIP_REASONS.get(detail or "", "other")


class Metrics:
    """The counters and the latency histogram of one application."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "kindbreak_updates", "Updates handled, by kind.", ["kind"], registry=r
        )
        self.latency = Histogram(
            "kindbreak_update_seconds",
            "Seconds from taking an update to finishing it.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.sends = Counter(
            "kindbreak_sends",
            "Scheduled sends (check-ins, summaries) by outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self.due = Counter(
            "kindbreak_deliveries_due", "Deliveries claimed when due.", ["kind"], registry=r
        )
        self.late = Counter(
            "kindbreak_deliveries_late",
            "Deliveries sent more than a minute after they were due.",
            ["kind"],
            registry=r,
        )
        self.skipped = Counter(
            "kindbreak_deliveries_skipped",
            "Deliveries not sent on purpose, by reason.",
            ["kind", "reason"],
            registry=r,
        )
        self.crisis = Counter(
            "kindbreak_crisis_screen_hits",
            "Messages the crisis screen flagged.",
            ["level"],
            registry=r,
        )
        self._zeroes()

    def _zeroes(self) -> None:
        """Every known series at 0, so a dashboard sees them before the first event."""
        for kind in (*UPDATE_KINDS, "other"):
            self.updates.labels(kind=kind)
        for kind in DELIVERY_KINDS:
            self.due.labels(kind=kind)
            self.late.labels(kind=kind)
            self.sends.labels(kind=kind, outcome="sent")
        for level in (Level.CONCERN, Level.URGENT):
            self.crisis.labels(level=level.value)

    def observe_update(self, update: object, seconds: float) -> None:
        """One update finished after ``seconds``."""
        self.updates.labels(kind=update_kind(update)).inc()
        self.latency.observe(seconds)

    def crisis_hit(self, level: Level) -> None:
        """The screen flagged one message at ``level``."""
        self.crisis.labels(level=level.value).inc()

    def deliveries(
        self,
        outcomes: Iterable[tuple[str, str, int]],
        late: Iterable[tuple[str, int]],
        skipped: Iterable[tuple[str, str | None, int]],
    ) -> None:
        """One dispatch run: (kind, status, count), (kind, late count), (kind, detail, count)."""
        for kind, status, count in outcomes:
            self.due.labels(kind=kind).inc(count)
            if status != "skipped":
                self.sends.labels(kind=kind, outcome=_outcome(status)).inc(count)
        for kind, count in late:
            self.late.labels(kind=kind).inc(count)
        for kind, detail, count in skipped:
            self.skipped.labels(kind=kind, reason=skip_reason(detail)).inc(count)

    def render(self) -> bytes:
        """Everything counted, in Prometheus's text format."""
        return generate_latest(self.registry)


def _outcome(status: str) -> str:
    """A delivery status as a send outcome (``pending`` after a send is a retry)."""
    return "retry" if status == "pending" else status
