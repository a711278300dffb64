"""Benchmark weekly summaries from the database: one person, then a batch of many people.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_summaries.py --users 10000
    .venv/bin/python scripts/bench_summaries.py --users 200          # a quick run
    .venv/bin/python scripts/bench_summaries.py --users 10000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/postgres

The SQLite database is a file in a temporary folder, removed at the end (``--keep`` keeps
it). ``--postgres`` runs the same on PostgreSQL after SQLite (``--skip-sqlite`` for only
PostgreSQL); it names a server, on which the benchmark creates its own database
(``kindbreak_bench_<pid>_<random>``, through the maintenance database the URL names) and
drops it at the end; nothing else on the server is touched.

What it does, per database:

1. seeds N people (in eight time zones), each with ``--days`` days of mood ratings (about
   ``--per-day`` a day, a few quiet days, feeling tags on about half) and breaks (about one
   day in eight, most completed, each with its before/after ratings), through the real
   migrations, then ``ANALYZE``; seeding is not timed;
2. prints the plan of one person's week query (it must name ``ix_mood_user_time``);
3. one person, week and month: the median over ``--repeat`` runs of each step of the real
   path (``bot.storage.periods``, ``bot.ui.summary``): the query (session + ratings and breaks, ``load_period``), the
   statistics and text (``build_summary``) and the chart (``render`` in a worker thread),
   each against an in-process baseline: a primary-key lookup of the person through the
   same session factory, ``json.dumps`` of the same ratings, and an empty figure of the
   chart's size rendered to PNG; then the peak traced memory (tracemalloc) of one whole
   summary;
4. the batch: every person's weekly summary (period ending on their Sunday 18:00 local),
   each as the dispatcher's sender makes it, one after another (``--concurrency N``: N at a
   time, as the dispatcher runs its sends; step times then include waiting for a worker
   thread): per-person median, p95 and max of each step, the totals, people per second,
   and resident memory before and after; then
   tracemalloc over the first ``--trace-users`` people of the batch again: the peak, and
   what is still held afterwards (a leak would show here).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import shlex
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.core.choices import FEELING_TAGS  # noqa: E402
from bot.storage.db import SessionFactory, create_engine, migrate, session_factory  # noqa: E402
from bot.storage.encryption import Cipher  # noqa: E402
from bot.storage.models import MoodRating, User  # noqa: E402
from bot.storage.periods import (  # noqa: E402
    MONTH,
    WEEK,
    load_period,
    query_window,
)
from bot.ui.summary import build_summary  # noqa: E402
from scripts.bench_summary import empty_figure_png  # noqa: E402
from tests.support.explain import explain_ratings_query  # noqa: E402
from tests.support.postgres import connect, throwaway_database  # noqa: E402

ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "UTC",
)
LAST_SUNDAY = date(2026, 10, 25)  # the data ends on this Sunday (summer time ends in Europe)
SUMMARY_AT = 18  # local hour of the weekly summary
CHUNK = 200  # people seeded per transaction
QUIET_DAYS = 0.08

# the benchmark's own key: first names are stored encrypted
BENCH_KEY = "8zuLELRxNnddzD-LclN_bMwr4ltqGXEUvO0fc0oEJts="


def period_end(zone: str) -> datetime:
    """The weekly summary's due time for someone in ``zone``: Sunday 18:00 local."""
    return datetime(
        LAST_SUNDAY.year, LAST_SUNDAY.month, LAST_SUNDAY.day, SUMMARY_AT, tzinfo=ZoneInfo(zone)
    ).astimezone(UTC)


# --------------------------------------------------------------------------- seeding


@dataclass
class Rows:
    """Rows for one chunk of people, in insert order."""

    users: list[tuple[Any, ...]]
    breaks: list[tuple[Any, ...]]
    ratings: list[tuple[Any, ...]]
    tags: list[tuple[int, str]]


class Seeder:
    """Deterministic synthetic people, ratings, tags and breaks with explicit ids."""

    def __init__(self, *, days: int, per_day: float, seed: int) -> None:
        self.days = days
        self.per_day = per_day
        self.seed = seed
        self.rating_id = 0
        self.break_id = 0
        self.name = Cipher([BENCH_KEY]).encrypt("Bench")  # first names are stored encrypted
        # local midnights as UTC instants, per zone and day (the same for everyone)
        self.midnights = {
            zone: [
                datetime.combine(
                    LAST_SUNDAY - timedelta(days=back), datetime.min.time(), ZoneInfo(zone)
                ).astimezone(UTC)
                for back in range(days - 1, -1, -1)
            ]
            for zone in ZONES
        }

    def people(self, first: int, count: int) -> Rows:
        """Rows for people ``first`` .. ``first + count - 1`` (ids from 1)."""
        rows = Rows([], [], [], [])
        created = datetime(2025, 1, 1, tzinfo=UTC)
        for user_id in range(first, first + count):
            zone = ZONES[user_id % len(ZONES)]
            rows.users.append(
                (user_id, 10_000_000 + user_id, self.name, "en", zone, True, created, created)
            )
            self._person(user_id, zone, rows)
        return rows

    def _rating(
        self, rows: Rows, user_id: int, value: int, kind: str, at: datetime, break_row: int | None
    ) -> int:
        self.rating_id += 1
        rows.ratings.append((self.rating_id, user_id, value, kind, None, at, break_row))
        return self.rating_id

    def _person(self, user_id: int, zone: str, rows: Rows) -> None:
        rng = random.Random(self.seed * 1_000_003 + user_id)
        base = rng.uniform(3.5, 7.0)
        # 8 % quiet days; breaks add about 0.21 ratings a day (one day in eight, 1.85 each)
        ratings_a_day = max(0.0, self.per_day / (1 - QUIET_DAYS) - 0.23)
        for midnight in self.midnights[zone]:
            if rng.random() < QUIET_DAYS:
                continue  # a quiet day
            count = int(ratings_a_day) + (rng.random() < ratings_a_day % 1)
            for _ in range(count):
                at = midnight + timedelta(seconds=rng.randrange(7 * 3600, 24 * 3600))
                value = min(10, max(0, round(rng.gauss(base, 1.8))))
                kind = "checkin" if rng.random() < 0.7 else "quick"
                rating_id = self._rating(rows, user_id, value, kind, at, None)
                for tag in rng.sample(FEELING_TAGS, rng.choice((0, 0, 1, 1, 2))):
                    rows.tags.append((rating_id, tag))
            if rng.random() < 0.125:
                self._break(rng, rows, user_id, midnight, base)

    def _break(
        self, rng: random.Random, rows: Rows, user_id: int, midnight: datetime, base: float
    ) -> None:
        self.break_id += 1
        started = midnight + timedelta(seconds=rng.randrange(8 * 3600, 23 * 3600))
        before = min(10, max(0, round(rng.gauss(base - 1.5, 1.5))))
        completed = rng.random() < 0.85
        after = min(10, max(0, before + rng.randint(-1, 4))) if completed else None
        ended = started + timedelta(minutes=5)
        rows.breaks.append(
            (
                self.break_id,
                user_id,
                started,
                ended,
                "completed" if completed else "abandoned",
                "mood_after" if completed else "mindfulness",
                7 if completed else 3,
                before,
                after,
                None,
                None,
                0,
            )
        )
        self._rating(rows, user_id, before, "break_before", started, self.break_id)
        if after is not None:
            self._rating(rows, user_id, after, "break_after", ended, self.break_id)


USER_COLUMNS = (
    "id",
    "telegram_id",
    "first_name",
    "language_code",
    "time_zone",
    "active",
    "created_at",
    "last_seen_at",
)
BREAK_COLUMNS = (
    "id",
    "user_id",
    "started_at",
    "ended_at",
    "status",
    "last_step",
    "steps_reached",
    "mood_before",
    "mood_after",
    "difficulty",
    "need",
    "variant",
)
RATING_COLUMNS = ("id", "user_id", "value", "kind", "note", "rated_at", "break_id")
TAG_COLUMNS = ("rating_id", "tag")


def chunks(users: int) -> Iterator[tuple[int, int]]:
    """(first id, count) of each seeding chunk."""
    for first in range(1, users + 1, CHUNK):
        yield first, min(CHUNK, users + 1 - first)


def seed_sqlite(path: Path, seeder: Seeder, users: int) -> int:
    """Bulk insert with the stdlib driver, timestamps in the bot's own stored format; file size."""
    dialect = sa.create_engine("sqlite://").dialect
    stamp = MoodRating.__table__.c.rated_at.type.bind_processor(dialect)  # type: ignore[attr-defined]
    assert stamp is not None

    def stamped(row: tuple[Any, ...], positions: Sequence[int]) -> tuple[Any, ...]:
        return tuple(stamp(v) if i in positions and v is not None else v for i, v in enumerate(row))

    def insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Any) -> None:
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    try:
        for first, count in chunks(users):
            rows = seeder.people(first, count)
            with conn:
                insert(conn, "users", USER_COLUMNS, (stamped(r, (6, 7)) for r in rows.users))
                insert(conn, "breaks", BREAK_COLUMNS, (stamped(r, (2, 3)) for r in rows.breaks))
                insert(
                    conn, "mood_ratings", RATING_COLUMNS, (stamped(r, (5,)) for r in rows.ratings)
                )
                insert(conn, "rating_tags", TAG_COLUMNS, rows.tags)
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()
    return path.stat().st_size


async def seed_postgres(url: str, seeder: Seeder, users: int) -> int:
    """Bulk COPY, move the id sequences past the explicit ids, ANALYZE; the database size."""
    conn = await connect(url)
    try:
        for first, count in chunks(users):
            rows = seeder.people(first, count)
            async with conn.transaction():
                for table, columns, records in (
                    ("users", USER_COLUMNS, rows.users),
                    ("breaks", BREAK_COLUMNS, rows.breaks),
                    ("mood_ratings", RATING_COLUMNS, rows.ratings),
                    ("rating_tags", TAG_COLUMNS, rows.tags),
                ):
                    await conn.copy_records_to_table(table, records=records, columns=columns)
        for table in ("users", "breaks", "mood_ratings"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        await conn.execute("ANALYZE")
        return int(await conn.fetchval("SELECT pg_database_size(current_database())"))
    finally:
        await conn.close()


# --------------------------------------------------------------------------- measuring


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of a synchronous ``func`` (after one warm-up run)."""
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def median_async(func: Callable[[], Awaitable[object]], repeat: int) -> float:
    """Median wall time of an async ``func`` (after one warm-up run)."""
    await func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def rss_mib() -> tuple[float, float]:
    """Resident memory now and its high-water mark, in MiB (Linux)."""
    now = peak = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    """Seconds as milliseconds for the report."""
    return f"{seconds * 1e3:8.2f} ms"


@dataclass(frozen=True)
class Timed:
    """One person's summary: the time of each step and what came out (nothing is kept)."""

    query: float
    stats: float
    chart: float
    ratings: int
    png_bytes: int  # 0: sparse, no chart


async def one_summary(
    sessions: SessionFactory, *, user_id: int, zone: str, end: datetime, days: int
) -> Timed:
    """The real path of a scheduled summary, step by step: query, statistics + text, chart."""
    t0 = time.perf_counter()
    async with sessions() as session:
        records = await load_period(session, user_id=user_id, zone=zone, period_end=end, days=days)
    t1 = time.perf_counter()
    prepared = build_summary(records, zone=zone, period_end=end, days=days, language="en")
    t2 = time.perf_counter()
    png = await prepared.render() if prepared.chart is not None else b""
    t3 = time.perf_counter()
    return Timed(t1 - t0, t2 - t1, t3 - t2, prepared.summary.count, len(png))


async def measure(
    url: str, label: str, args: argparse.Namespace, seed: Callable[[], Awaitable[int]]
) -> None:
    """Seed one database and print every figure for it."""
    print(f"\n=== {label}: {args.users} people, {args.days} days, ~{args.per_day} ratings a day")
    engine = create_engine(url, keys=[BENCH_KEY])
    try:
        await migrate(engine)
        started = time.perf_counter()
        size = await seed()
        sessions = session_factory(engine)
        async with sessions() as session:
            ratings = await session.scalar(sa.select(sa.func.count()).select_from(MoodRating))
            breaks = await session.scalar(sa.text("SELECT count(*) FROM breaks"))
            tags = await session.scalar(sa.text("SELECT count(*) FROM rating_tags"))
        print(
            f"seeded in {time.perf_counter() - started:.0f} s: {ratings:,} ratings, "
            f"{tags:,} tags, {breaks:,} breaks"
        )
        print(f"database size: {size / 2**20:,.0f} MiB")
        await report(sessions, args)
    finally:
        await engine.dispose()


async def report(sessions: SessionFactory, args: argparse.Namespace) -> None:
    """Plan, one person, then the batch."""
    middle = max(1, args.users // 2)
    zone = ZONES[middle % len(ZONES)]
    end = period_end(zone)

    since, _start, until = query_window(end, zone, WEEK)
    async with sessions() as session:
        plan = await explain_ratings_query(session, user_id=middle, since=since, until=until)
    print("plan of one person's week query:")
    for line in plan:
        print(f"    {line}")
    if not any("ix_mood_user_time" in line for line in plan):
        print("    !! the plan does not use ix_mood_user_time")

    # ---- one person
    repeat = max(3, args.repeat)
    print(f"\none person (id {middle}, {zone}), median of {repeat} runs:")

    async def pk_lookup() -> object:
        async with sessions() as session:
            return await session.get(User, middle, populate_existing=True)

    base_query = await median_async(pk_lookup, repeat)
    base_chart = median_seconds(empty_figure_png, max(3, repeat // 3))
    print(f"  baseline primary-key lookup (own session):  {ms(base_query)}")
    print(f"  baseline empty figure to PNG:               {ms(base_chart)}")
    for name, days in (("week", WEEK), ("month", MONTH)):
        runs = [
            await one_summary(sessions, user_id=middle, zone=zone, end=end, days=days)
            for _ in range(repeat + 1)
        ][1:]
        as_json = [
            {"at": r.at.isoformat(), "value": r.value, "kind": r.kind, "tags": r.tags}
            for r in (
                await load_one(sessions, user_id=middle, zone=zone, end=end, days=days)
            ).ratings
        ]
        base_stats = median_seconds(partial(json.dumps, as_json), repeat)
        query = statistics.median(r.query for r in runs)
        stats = statistics.median(r.stats for r in runs)
        chart = statistics.median(r.chart for r in runs)
        total = statistics.median(r.query + r.stats + r.chart for r in runs)
        print(
            f"  {name}: {runs[0].ratings} ratings in the period, {len(as_json)} loaded "
            f"(with the period before), {runs[0].png_bytes / 1024:.0f} KiB PNG"
        )
        print(
            f"    query (session + 2 queries):   {ms(query)} = {query / base_query:6.2f} x PK lookup"
        )
        print(
            f"    statistics + text:             {ms(stats)} = {stats / base_stats:6.2f} x json.dumps ({ms(base_stats).strip()})"
        )
        print(
            f"    chart (worker thread):         {ms(chart)} = {chart / base_chart:6.2f} x empty figure"
        )
        print(f"    total:                         {ms(total)}")
        gc.collect()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            await one_summary(sessions, user_id=middle, zone=zone, end=end, days=days)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        print(f"    peak traced memory:            {peak / 2**20:8.2f} MiB")

    # ---- the batch
    how = "one after another" if args.concurrency == 1 else f"{args.concurrency} at a time"
    print(f"\nbatch: every person's weekly summary, {how} ({args.users} people):")
    gc.collect()
    rss_before, _ = rss_mib()
    queries: list[float] = []
    stats_times: list[float] = []
    charts: list[float] = []
    sparse = 0
    waypoints: list[tuple[int, float]] = []  # (people done, resident MiB)
    step = max(1, args.users // 10)
    pending = iter(range(1, args.users + 1))

    async def worker() -> None:
        nonlocal sparse
        for user_id in pending:  # shared: each person is taken by one worker
            user_zone = ZONES[user_id % len(ZONES)]
            timed = await one_summary(
                sessions, user_id=user_id, zone=user_zone, end=period_end(user_zone), days=WEEK
            )
            queries.append(timed.query)
            stats_times.append(timed.stats)
            if timed.png_bytes:
                charts.append(timed.chart)
            else:
                sparse += 1
            if len(queries) % step == 0:
                waypoints.append((len(queries), rss_mib()[0]))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    wall = time.perf_counter() - started
    rss_after, rss_peak = rss_mib()
    print(
        f"  wall time:  {wall:8.1f} s  = {args.users / wall:6.1f} people/s ({sparse} sparse: no chart)"
    )
    for name, values in (("query", queries), ("statistics + text", stats_times), ("chart", charts)):
        if values:
            print(
                f"  {name:<18} median {ms(statistics.median(values))}  p95 {ms(quantile(values, 0.95))}"
                f"  max {ms(max(values))}  total {sum(values):8.1f} s"
            )
    print(
        f"  resident memory: {rss_before:.0f} MiB before, {rss_after:.0f} MiB after "
        f"(high-water {rss_peak:.0f} MiB); along the way: "
        + ", ".join(f"{done}: {mib:.0f}" for done, mib in waypoints)
    )

    traced = min(args.trace_users, args.users)
    if traced:
        gc.collect()
        tracemalloc.start()
        try:
            held_before = tracemalloc.get_traced_memory()[0]
            for user_id in range(1, traced + 1):
                user_zone = ZONES[user_id % len(ZONES)]
                await one_summary(
                    sessions, user_id=user_id, zone=user_zone, end=period_end(user_zone), days=WEEK
                )
            gc.collect()
            held_after, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        print(
            f"  tracemalloc over the first {traced} people: peak {peak / 2**20:.2f} MiB, "
            f"held afterwards {(held_after - held_before) / 2**20:+.2f} MiB"
        )


async def load_one(
    sessions: SessionFactory, *, user_id: int, zone: str, end: datetime, days: int
) -> Any:
    """The records of one person's period (for the baseline)."""
    async with sessions() as session:
        return await load_period(session, user_id=user_id, zone=zone, period_end=end, days=days)


def reproduce_command(args: argparse.Namespace) -> str:
    """The command line that repeats this run."""
    parts = [".venv/bin/python", "scripts/bench_summaries.py", "--users", str(args.users)]
    for flag, value, default in (
        ("--days", args.days, 365),
        ("--per-day", args.per_day, 2.0),
        ("--repeat", args.repeat, 15),
        ("--trace-users", args.trace_users, 200),
        ("--concurrency", args.concurrency, 1),
        ("--seed", args.seed, 7),
    ):
        if value != default:
            parts += [flag, str(value)]
    if args.postgres:
        parts += ["--postgres", args.postgres]
    if args.skip_sqlite:
        parts.append("--skip-sqlite")
    return " ".join(shlex.quote(p) for p in parts)


async def run(args: argparse.Namespace) -> None:
    """Every backend asked for."""
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if not args.skip_sqlite:
        folder = Path(tempfile.mkdtemp(prefix="kindbreak-bench-"))
        path = folder / "bench.sqlite3"
        seeder = Seeder(days=args.days, per_day=args.per_day, seed=args.seed)

        async def seed_sqlite_now() -> int:
            return await asyncio.to_thread(seed_sqlite, path, seeder, args.users)

        try:
            await measure(f"sqlite:///{path}", "SQLite", args, seed_sqlite_now)
        finally:
            if args.keep:
                print(f"kept {path}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
    if args.postgres:
        seeder = Seeder(days=args.days, per_day=args.per_day, seed=args.seed)
        async with throwaway_database(args.postgres, "kindbreak_bench") as url:
            await measure(url, "PostgreSQL", args, lambda: seed_postgres(url, seeder, args.users))
    print(f"\nreproduce: {reproduce_command(args)}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000, help="people in the batch")
    parser.add_argument("--days", type=int, default=365, help="days of ratings per person")
    parser.add_argument("--per-day", type=float, default=2.0, help="ratings a day, roughly")
    parser.add_argument("--repeat", type=int, default=15, help="runs for the one-person medians")
    parser.add_argument(
        "--trace-users", type=int, default=200, help="people traced by tracemalloc in the batch"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="summaries in flight at once in the batch (the dispatcher allows 64)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="also on this PostgreSQL server")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = parser.parse_args()
    if args.users < 1 or args.days < 2 * MONTH or args.concurrency < 1:
        parser.error(f"need at least 1 person, {2 * MONTH} days and a concurrency of 1")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
