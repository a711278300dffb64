"""Weekly summaries per second in one process: charts in the process pool vs in-process threads.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_chart_pool.py --users 2000
    .venv/bin/python scripts/bench_chart_pool.py --users 10000 --rounds 1

Seeds one SQLite file (``scripts/bench_summaries.py``'s synthetic people, ``--days`` of
ratings and breaks each), then makes every person's weekly summary as the dispatcher's
sender does (``prepare``-equivalent query, statistics and text, chart), ``--concurrency`` at
a time (the dispatcher allows 64), alternating in the same run: **threads** (``ProcessPool(0)``,
the chart in a worker thread of this process, as before) and **pool** (``ProcessPool()``, one
worker process per core). Each mode first draws one chart per worker (imports, process
start), not counted; that first-chart time is printed. Figures: people per second, the
median of ``--rounds`` rounds each, and the ratio pool / threads.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.storage.db import SessionFactory, create_engine, migrate, session_factory  # noqa: E402
from bot.storage.periods import MONTH, WEEK, load_period  # noqa: E402
from bot.ui.summary import CHART_MODULES, build_summary  # noqa: E402
from bot.workers import ProcessPool  # noqa: E402
from scripts.bench_summaries import BENCH_KEY, ZONES, Seeder, period_end, seed_sqlite  # noqa: E402


async def one(sessions: SessionFactory, pool: ProcessPool, user_id: int) -> int:
    """One person's weekly summary with its chart; the PNG's size (0: sparse)."""
    zone = ZONES[user_id % len(ZONES)]
    end = period_end(zone)
    async with sessions() as session:
        records = await load_period(session, user_id=user_id, zone=zone, period_end=end, days=WEEK)
    prepared = build_summary(records, zone=zone, period_end=end, days=WEEK, language="en")
    return len(await prepared.render(pool)) if prepared.chart is not None else 0


async def batch(sessions: SessionFactory, pool: ProcessPool, users: int, concurrency: int) -> float:
    """Every person's summary, ``concurrency`` at a time; people per second."""
    pending = iter(range(1, users + 1))

    async def worker() -> None:
        for user_id in pending:  # shared: each person is taken by one worker
            await one(sessions, pool, user_id)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return users / (time.perf_counter() - started)


async def warm(sessions: SessionFactory, pool: ProcessPool) -> float:
    """One chart per worker at once (process start and imports); seconds."""
    started = time.perf_counter()
    await asyncio.gather(*(one(sessions, pool, 1 + i) for i in range(max(1, pool.workers))))
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> None:
    """Seed, then alternate the two modes."""
    folder = Path(tempfile.mkdtemp(prefix="kindbreak-bench-pool-"))
    path = folder / "bench.sqlite3"
    engine = create_engine(f"sqlite:///{path}", keys=[BENCH_KEY])
    try:
        await migrate(engine)
        seeder = Seeder(days=args.days, per_day=args.per_day, seed=args.seed)
        await asyncio.to_thread(seed_sqlite, path, seeder, args.users)
        sessions = session_factory(engine)
        threads, pool = ProcessPool(workers=0), ProcessPool(args.workers, preload=CHART_MODULES)
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
            f"{args.users} people, {args.concurrency} at a time, pool of {pool.workers}"
        )
        print(f"first charts: threads {await warm(sessions, threads):.2f} s, ", end="")
        print(f"pool {await warm(sessions, pool):.2f} s (process start and imports)")
        rates: dict[str, list[float]] = {"threads": [], "pool": []}
        for number in range(1, args.rounds + 1):
            for name, chosen in (("threads", threads), ("pool", pool)):
                rate = await batch(sessions, chosen, args.users, args.concurrency)
                rates[name].append(rate)
                print(f"round {number} {name:<7} {rate:7.1f} people/s")
        await pool.shutdown()
        median = {name: statistics.median(values) for name, values in rates.items()}
        print(
            f"median: threads {median['threads']:.1f}/s, pool {median['pool']:.1f}/s, "
            f"ratio {median['pool'] / median['threads']:.2f}x; load {os.getloadavg()[0]:.1f}"
        )
    finally:
        await engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000, help="people in each batch")
    parser.add_argument("--days", type=int, default=2 * MONTH, help="days of ratings per person")
    parser.add_argument("--per-day", type=float, default=2.0, help="ratings a day, roughly")
    parser.add_argument("--concurrency", type=int, default=64, help="summaries in flight")
    parser.add_argument("--workers", type=int, default=None, help="pool size (default: cores)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each mode")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
