"""Count the work behind each update: SQL statements, Bot API calls and the bot's CPU.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_statements.py
    .venv/bin/python scripts/bench_statements.py \\
        --postgres postgresql://postgres@127.0.0.1:5432/postgres

The real application runs in this process against the in-process Bot API emulator (every
request checked against ``../shared/botapi/api.json``), on an SQLite file in a temporary
folder or on a throwaway PostgreSQL database (created through the server ``--postgres``
names, dropped at the end). ``--people`` onboarded people each do one full break and one
/mood unmeasured (warm-up), then ``--rounds`` more of each, one update at a time: the
next update is sent once the bot has handled the previous one in full. The fake clock
moves 2 s per update, as a person reading and tapping.

Counted per update, by step: SQL statements (SQLAlchemy ``before_cursor_execute``, by verb)
plus transaction starts and ends (``begin``/``commit``/``rollback`` events), and the round
trips to the database: those, plus on PostgreSQL asyncpg's pings (a BEGIN, a query and a
ROLLBACK each) and the statements it had to prepare first; Bot API calls by
method (the emulator's request log, ``getUpdates`` left out) and the CPU of the bot's
threads (event loop, database worker, screening pool: every thread but the emulator's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.emulator import BotApiEmulator  # noqa: E402

BASE = 810_000_000
SECONDS_PER_UPDATE = 2.0


@dataclass(frozen=True)
class Action:
    """One update a person sends: a text or the press of a button by label."""

    kind: str  # "text" or "tap"
    value: str
    label: str


BREAK = (
    Action("text", "/break", "/break"),
    Action("tap", "3", "rating before (3)"),
    Action("text", "A hard talk with my manager", "difficulty (typed)"),
    Action("tap", "Next", "Next → step 2"),
    Action("tap", "Next", "Next → step 3"),
    Action("tap", "Next", "Next → the need"),
    Action("text", "You are doing your best", "need (typed)"),
    Action("tap", "6", "rating after (6)"),
)
MOOD = (
    Action("text", "/mood", "/mood"),
    Action("tap", "6", "rating (6)"),
    Action("tap", "Done", "feelings done"),
    Action("tap", "Skip", "skip the note"),
)


@dataclass
class Tally:
    """What one kind of update cost, summed over every time it was sent."""

    updates: int = 0
    statements: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    cpu: float = 0.0

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        self.updates += other.updates
        self.statements.update(other.statements)
        self.calls.update(other.calls)
        self.cpu += other.cpu


class StatementCounter:
    """Counts statements and transaction boundaries on one engine."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def attach(self, engine: Any) -> None:
        """Listen on the engine's synchronous core (on PostgreSQL, also on the driver)."""
        from sqlalchemy import event

        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._statement)
        for name in ("begin", "commit", "rollback"):
            event.listen(sync, name, self._boundary(name.upper()))
        if sync.dialect.name == "postgresql":
            self._count_driver_trips(sync.dialect)

    def _count_driver_trips(self, dialect: Any) -> None:
        """Count what asyncpg sends besides the statements: pings and statement preparing."""
        import asyncpg

        ping = dialect.do_ping
        counts = self.counts

        def counted_ping(dbapi_connection: Any) -> Any:
            counts["PING"] += 1
            return ping(dbapi_connection)

        dialect.do_ping = counted_ping
        prepare = asyncpg.Connection.prepare

        async def counted_prepare(connection: Any, *args: Any, **kwargs: Any) -> Any:
            counts["PREPARE"] += 1
            return await prepare(connection, *args, **kwargs)

        asyncpg.Connection.prepare = counted_prepare  # type: ignore[method-assign]

    def _statement(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        self.counts[statement.lstrip().split(None, 1)[0].upper()] += 1

    def _boundary(self, name: str) -> Any:
        def count(_conn: Any) -> None:
            self.counts[name] += 1

        return count


def bot_cpu() -> float:
    """CPU seconds of every live thread of this process but the emulator's."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path("/proc/self/task").iterdir():
        name = names.get(int(task.name), "")
        if "process_request_thread" in name or name.startswith("botapi-emulator"):
            continue
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def handled(h: Any, emu: BotApiEmulator) -> None:
    """Wait until the bot took every queued update and finished handling it."""
    # woken by the emulator's changes, not polled: the waiting costs next to no CPU
    await emu.wait_for(lambda: not emu.pending_updates() or None, 30, description="taken")
    await h.settled(timeout=30)


async def act(h: Any, user_id: int, action: Action) -> None:
    """Send one update and wait until it is handled in full."""
    emu: BotApiEmulator = h.emulator
    h.clock.advance(seconds=SECONDS_PER_UPDATE)
    if action.kind == "tap":
        query = emu.press(user_id, action.value)
        await emu.wait_callback_answered(query, timeout=30)
    else:
        emu.send_text(user_id, action.value)
    await handled(h, emu)


async def measured(
    h: Any, counter: StatementCounter, user_id: int, action: Action, into: dict[str, Tally]
) -> None:
    """One update, with what it cost added to ``into[action.label]``."""
    emu: BotApiEmulator = h.emulator
    counter.counts.clear()
    requests_before = len(emu.requests)
    cpu_before = bot_cpu()
    await act(h, user_id, action)
    cpu = bot_cpu() - cpu_before
    with emu._cond:  # a consistent copy of the log
        calls = Counter(r.method for r in emu.requests[requests_before:])
    calls.pop("getUpdates", None)
    tally = Tally(1, Counter(counter.counts), calls, cpu)
    into.setdefault(action.label, Tally()).add(tally)


def show(title: str, tallies: dict[str, Tally]) -> None:
    """Print one table: per step and in total, statements, calls and CPU per update."""
    print(f"\n{title}")
    print(f"{'step':22}{'SQL':>6}{'txn':>5}{'trips':>7}{'API':>5}{'CPU ms':>8}  statements; calls")
    total = Tally()
    for label, tally in tallies.items():
        total.add(tally)
        _row(label, tally)
    _row("per update (mean)", total)


# asyncpg's ping, outside a transaction, is a BEGIN, a query and a ROLLBACK
TRIPS_PER_PING = 3
DRIVER = {"PING", "PREPARE"}
BOUNDARIES = {"BEGIN", "COMMIT", "ROLLBACK"}


def _row(label: str, tally: Tally) -> None:
    n = max(tally.updates, 1)
    counts = tally.statements
    sql = sum(v for k, v in counts.items() if k not in BOUNDARIES | DRIVER) / n
    txn = sum(v for k, v in counts.items() if k in BOUNDARIES) / n
    trips = sql + txn + (counts["PING"] * TRIPS_PER_PING + counts["PREPARE"]) / n
    api = sum(tally.calls.values()) / n
    verbs = ", ".join(f"{k} {v / n:.1f}" for k, v in sorted(counts.items()) if v)
    methods = ", ".join(f"{k} {v / n:.1f}" for k, v in sorted(tally.calls.items()))
    print(
        f"{label:22}{sql:6.1f}{txn:5.1f}{trips:7.1f}{api:5.1f}{tally.cpu / n * 1000:8.2f}"
        f"  {verbs}; {methods}"
    )


async def run(args: argparse.Namespace) -> int:
    """The whole benchmark; returns the exit status."""
    from tests.support.botapi import BotApiSpec
    from tests.support.harness import FakeClock, Harness, make_settings, onboard
    from tests.support.postgres import create_database, drop_database

    workdir = Path(tempfile.mkdtemp(prefix="kindbreak-statements-"))
    if args.postgres:
        database_url = await create_database(args.postgres, prefix="kindbreak_bench")
    else:
        database_url = f"sqlite:///{workdir / 'kindbreak.sqlite3'}"
    spec = BotApiSpec.load()
    emu = BotApiEmulator(validator=spec.validate, listen_backlog=128)
    emu.start()
    h = Harness(emulator=emu, settings=make_settings(database_url, workdir), clock=FakeClock())
    counter = StatementCounter()
    people = [BASE + i for i in range(args.people)]
    tallies: dict[str, dict[str, Tally]] = {"break": {}, "mood": {}}
    try:
        await h.start()
        counter.attach(h.services.engine)
        for user_id in people:
            await onboard(h, user_id)
            for action in (*BREAK, *MOOD):  # warm-up, unmeasured
                await act(h, user_id, action)
        for _ in range(args.rounds):
            for user_id in people:
                for name, script in (("break", BREAK), ("mood", MOOD)):
                    for action in script:
                        await measured(h, counter, user_id, action, tallies[name])
        violations = list(emu.violations)
    finally:
        for app in list(h.apps):
            await h.stop(app)
        emu.stop()
        if args.postgres:
            await drop_database(args.postgres, database_url)
        shutil.rmtree(workdir, ignore_errors=True)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    runs = args.rounds * args.people
    print(f"{backend}: {runs} breaks and {runs} /mood, one update at a time, after a warm-up")
    print("SQL: statements; txn: begin, commit, rollback; API: Bot API calls but getUpdates")
    print(
        "trips: round trips to the database (SQL + txn; on PostgreSQL also the driver's"
        f" pings, {TRIPS_PER_PING} each, and statements it had to prepare)"
    )
    show("a break (8 updates)", tallies["break"])
    show("a /mood (4 updates)", tallies["mood"])
    print(f"\ninvalid Bot API requests: {len(violations)}")
    return 0 if not violations else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="measured breaks per person")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
