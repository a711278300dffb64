"""Benchmark scheduled check-ins: N people whose prompts all fall due in the same minute.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_checkins.py --users 10000
    .venv/bin/python scripts/bench_checkins.py --users 100000
    .venv/bin/python scripts/bench_checkins.py --users 10000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/postgres

Without ``--postgres`` the database is an SQLite file in a temporary folder (removed at the
end). ``--postgres`` names a server: the benchmark creates its own database there
(``kindbreak_bench_<pid>_<random>``, through the maintenance database the URL names) and
drops it at the end; nothing else on the server is touched.

What it does, in order:

1. seeds the database in a child process (so that the measuring process's memory is not
   touched by it): N users in seven time zones, each with check-ins on, two times a day,
   the pending check-in ``Delivery`` of the slot due at ``DUE`` (the same UTC minute for
   everyone, 09:00-21:00 local) and the pending weekly summary, all with core
   ``insert()`` executemany;
2. in this process, on a fake clock one minute before ``DUE``: the bot's start-up
   (``build_application`` + ``initialize`` + ``post_init``, which runs ``migrate`` and
   ``plan_missing``, + ``start``) against the in-process Bot API emulator, rate limiting
   off; then idle RSS, and one run of the repair job (``plan_missing``) on its own;
3. moves the fake clock to ``DUE`` and runs the real dispatch job's callback once (what
   APScheduler calls on the next tick; ``--batch``/``--concurrency`` call ``dispatch_due``
   directly with other values instead): time from due to the last prompt handed over to
   the emulator (the emulator's receive time of the last ``sendMessage``), prompts per
   second, peak RSS of the phase, SQL statements per prompt, CPU time per thread group
   (event loop, aiosqlite worker, emulator HTTP threads) and where the wall time went
   (claim, pre-check, sends, record + plan next slot);
4. checks: ``sendMessage`` requests per chat (> 1 is a duplicate), people with no prompt
   (missed), ``Delivery`` rows per (user, kind, slot) and each person's one pending
   next slot (expected at ``DUE`` + 8 h);
5. baseline in the same process: N bare ``send_prompt`` calls through the same PTB bot and
   emulator with the same concurrency and no database, so that the dispatch figure reads
   as "X times the bare send".

``--tracemalloc`` traces Python allocations during the dispatch (slower; times are then
not comparable) and attributes what is still held afterwards to the emulator or the bot.
``--profile`` runs cProfile over the dispatch (event-loop thread only) and prints the top
functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import inspect
import io
import json
import logging
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

# Monday 23 November 2026, 12:00 UTC: no DST change anywhere below for days either side
DUE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NEXT = DUE + timedelta(hours=8)  # everyone's second time of day is 8 h after the first
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
)
TELEGRAM_ID_BASE = 500_000_000
WARMUP_CHAT = 499_999_999
CHUNK = 5_000
MiB = 2**20

# the benchmark's own key: first names are stored encrypted
BENCH_KEY = "8zuLELRxNnddzD-LclN_bMwr4ltqGXEUvO0fc0oEJts="


# --------------------------------------------------------------------------- small helpers


def proc_status(field_name: str) -> int:
    """A memory figure of this process from /proc/self/status, in bytes."""
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field_name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def rss() -> int:
    """Resident set size now (after a full garbage collection), in bytes."""
    gc.collect()
    return proc_status("VmRSS")


def reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark of RSS (VmHWM), so a phase's peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def thread_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) of every live thread of this process, by native id."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    result: dict[int, tuple[str, float]] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        tid = int(task.name)
        result[tid] = (names.get(tid, "?"), (int(fields[11]) + int(fields[12])) / tick)
    return result


def thread_group(name: str) -> str:
    """Which part of the benchmark a thread belongs to."""
    if name == "MainThread":
        return "event loop (bot, SQLAlchemy, asyncpg)"
    if "process_request_thread" in name or name.startswith("botapi-emulator"):
        return "emulator HTTP threads"
    if "connection_worker_thread" in name:
        return "aiosqlite worker (SQLite)"
    return "other threads"


def cpu_by_group(
    before: Mapping[int, tuple[str, float]], after: Mapping[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds spent per thread group between two ``thread_cpu`` readings."""
    groups: Counter[str] = Counter()
    for tid, (name, seconds) in after.items():
        groups[thread_group(name)] += seconds - before.get(tid, (name, 0.0))[1]
    return dict(groups)


def process_cpu() -> float:
    """CPU seconds (user + system) of the whole process so far."""
    times = os.times()
    return times.user + times.system


@contextmanager
def stopwatch(into: dict[str, float], key: str) -> Iterator[None]:
    """Add the wall time of the block to ``into[key]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        into[key] = into.get(key, 0.0) + time.perf_counter() - start


def mib(value: float) -> str:
    """Bytes as MiB with one decimal."""
    return f"{value / MiB:.1f} MiB"


# --------------------------------------------------------------------------- the people


@dataclass(frozen=True)
class ZonePlan:
    """What every person in one zone has scheduled."""

    zone: str
    times: tuple[dtime, dtime]
    checkin_key: str
    summary_key: str
    summary_due: datetime
    next_due: datetime


def zone_plans() -> list[ZonePlan]:
    """Per zone: two local times, the first due exactly at ``DUE``; their slot keys."""
    from bot.core.schedule import next_slot, weekly_slot

    plans = []
    for zone in ZONES:
        first = DUE.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
        second = (datetime.combine(DUE.date(), first) + timedelta(hours=8)).time()
        times = (first, second)
        slot = next_slot(
            DUE - timedelta(microseconds=1), times=times, weekdays=frozenset(range(7)), zone=zone
        )
        assert slot is not None and slot.due_utc == DUE, (zone, slot)
        after = next_slot(DUE, times=times, weekdays=frozenset(range(7)), zone=zone)
        assert after is not None and after.due_utc == NEXT, (zone, after)
        summary = weekly_slot(DUE - timedelta(minutes=1), zone=zone)
        plans.append(ZonePlan(zone, times, slot.key, summary.key, summary.due_utc, after.due_utc))
    return plans


def person(index: int, plans: list[ZonePlan]) -> tuple[int, int, str, ZonePlan]:
    """(user id, Telegram id, first name, zone plan) of the index-th person (0-based)."""
    return index + 1, TELEGRAM_ID_BASE + index, f"User{index}", plans[index % len(plans)]


# --------------------------------------------------------------------------- seeding


async def seed(url: str, users: int) -> dict[str, float]:
    """Create the schema and every row in bulk; returns timings."""
    from bot.storage.db import create_engine, migrate
    from bot.storage.models import CheckinSchedule, CheckinTime, Delivery, DeliveryKind, User

    plans = zone_plans()
    timings: dict[str, float] = {}
    engine = create_engine(url, keys=[BENCH_KEY])
    try:
        with stopwatch(timings, "migrate"):
            await migrate(engine)
        created = DUE - timedelta(days=30)
        with stopwatch(timings, "insert"):
            for start in range(0, users, CHUNK):
                people = [person(i, plans) for i in range(start, min(users, start + CHUNK))]
                async with engine.begin() as conn:
                    await conn.execute(
                        sa.insert(User.__table__),  # type: ignore[attr-defined]
                        [
                            {
                                "id": uid,
                                "telegram_id": tg,
                                "first_name": name,
                                "language_code": "en",
                                "time_zone": plan.zone,
                                "active": True,
                                "created_at": created,
                                "last_seen_at": created,
                            }
                            for uid, tg, name, plan in people
                        ],
                    )
                    await conn.execute(
                        sa.insert(CheckinSchedule.__table__),  # type: ignore[attr-defined]
                        [
                            {
                                "user_id": uid,
                                "enabled": True,
                                "weekdays": 0b1111111,
                                "quiet_start": None,
                                "quiet_end": None,
                                "paused": False,
                                "paused_until": None,
                                "summary_enabled": True,
                                "summary_weekday": 6,
                                "summary_time": dtime(18, 0),
                                "updated_at": created,
                            }
                            for uid, _, _, _ in people
                        ],
                    )
                    await conn.execute(
                        sa.insert(CheckinTime.__table__),  # type: ignore[attr-defined]
                        [
                            {"user_id": uid, "at": at}
                            for uid, _, _, plan in people
                            for at in plan.times
                        ],
                    )
                    await conn.execute(
                        sa.insert(Delivery.__table__),  # type: ignore[attr-defined]
                        [
                            {
                                "user_id": uid,
                                "kind": kind,
                                "slot_key": key,
                                "due_at": due,
                                "next_attempt_at": due,
                                "status": "pending",
                                "attempts": 0,
                            }
                            for uid, _, _, plan in people
                            for kind, key, due in (
                                (DeliveryKind.CHECKIN.value, plan.checkin_key, DUE),
                                (DeliveryKind.SUMMARY.value, plan.summary_key, plan.summary_due),
                            )
                        ],
                    )
        async with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('users', 'id'), "
                    "(SELECT max(id) FROM users))"
                )
        if engine.dialect.name == "postgresql":
            # what autovacuum does on a live server; SQLite is left as the bot leaves it
            with stopwatch(timings, "analyze"):
                async with engine.connect() as conn:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    await conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        await engine.dispose()
    return timings


def seed_in_child(url: str, users: int) -> dict[str, float]:
    """Run the seeding in a fresh interpreter and return its timings."""
    done = subprocess.run(
        [sys.executable, __file__, "--seed-only", url, "--users", str(users)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- instrumentation


@dataclass
class Probe:
    """Counters filled while the dispatch runs (by wrapping, never by changing bot code)."""

    statements: Counter[str] = field(default_factory=Counter)
    wall: dict[str, float] = field(default_factory=dict)
    batches: int = 0
    batch_first_send: float | None = None
    batch_last_send: float = 0.0
    claims: list[float] = field(default_factory=list)

    def on_statement(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        """SQLAlchemy ``before_cursor_execute`` listener: count statements by verb."""
        self.statements[statement.lstrip().split(None, 1)[0].upper()] += 1

    def close_batch(self) -> None:
        """Fold the current batch's send window into the total."""
        if self.batch_first_send is not None:
            self.wall["sends (gather)"] = (
                self.wall.get("sends (gather)", 0.0) + self.batch_last_send - self.batch_first_send
            )
        self.batch_first_send = None


@contextmanager
def instrumented(probe: Probe, engine: Any) -> Iterator[None]:
    """Time the dispatcher's phases and count its SQL statements while the block runs."""
    from sqlalchemy import event

    from bot import jobs
    from bot.delivery import dispatch as deliveries

    labels = {
        "claim_due": "claim_due",
        "_precheck": "pre-checks",  # before ae394c2: async, one query per prompt
        "precheck": "pre-checks",  # since ae394c2: plain function on the claimed rows
        "_record": "record + plan next",  # before the waves: one call per batch
        "record_outcomes": "record outcomes (each wave)",
        "plan_after": "plan next slots (each batch)",
        "release_stale_claims": "release stale claims",  # before the waves of one batch
        "release_leftover_claims": "release leftover claims",
        "mark_sending": "mark each wave as being sent",
    }
    originals = {name: getattr(deliveries, name) for name in labels if hasattr(deliveries, name)}

    def timed(name: str) -> Callable[..., Any]:
        original = originals[name]
        if not inspect.iscoroutinefunction(original):

            def plain(*args: Any, **kwargs: Any) -> Any:
                with stopwatch(probe.wall, labels[name]):
                    return original(*args, **kwargs)

            return plain

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name in ("_record", "record_outcomes"):  # the sends before it are over
                probe.close_batch()
            if name == "claim_due":
                probe.claims.append(time.perf_counter())
            with stopwatch(probe.wall, labels[name]):
                result = await original(*args, **kwargs)
            if name == "claim_due" and result:
                probe.batches += 1
            return result

        return wrapper

    original_dispatch = jobs.dispatch

    async def dispatch(context: Any, senders: Any) -> None:
        await original_dispatch(context, timed_senders(senders))

    def timed_senders(senders: Any) -> dict[str, Any]:
        wrapped = {}
        for kind, sender in senders.items():

            async def send(claimed: Any, _sender: Any = sender) -> int:
                start = time.perf_counter()
                if probe.batch_first_send is None:
                    probe.batch_first_send = start
                try:
                    return int(await _sender(claimed))
                finally:
                    probe.batch_last_send = max(probe.batch_last_send, time.perf_counter())

            wrapped[kind] = send
        return wrapped

    for name in originals:
        setattr(deliveries, name, timed(name))
    jobs.dispatch = dispatch  # type: ignore[assignment]
    event.listen(engine.sync_engine, "before_cursor_execute", probe.on_statement)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", probe.on_statement)
        jobs.dispatch = original_dispatch  # type: ignore[assignment]
        for name, original in originals.items():
            setattr(deliveries, name, original)


# --------------------------------------------------------------------------- the measurement


class FrozenClock:
    """A clock the benchmark sets by hand (no sleeps, no real time)."""

    def __init__(self, instant: datetime) -> None:
        self.current = instant

    def now(self) -> datetime:
        """The current fake instant."""
        return self.current


async def bare_sends(bot: Any, plans: list[ZonePlan], users: int, concurrency: int) -> None:
    """Baseline: the same prompt to every person through the same bot, no database."""
    from bot.storage.deliveries import ClaimedDelivery
    from handlers.checkin import send_prompt

    people = iter(range(users))

    async def worker() -> None:
        for index in people:
            uid, tg, name, plan = person(index, plans)
            await send_prompt(
                bot,
                ClaimedDelivery(
                    id=users + uid,
                    user_id=uid,
                    kind="checkin",
                    slot_key=plan.checkin_key,
                    due_at=DUE,
                    attempts=1,
                    chat_id=tg,
                    first_name=name,
                    language="en",
                    time_zone=plan.zone,
                ),
            )

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def handed_over(requests: list[Any], start: datetime) -> tuple[float, float, list[Any]]:
    """Seconds from ``start`` to the first and last sendMessage received; those requests."""
    sends = [r for r in requests if r.method == "sendMessage"]
    if not sends:
        return float("nan"), float("nan"), sends
    first = min(r.at for r in sends)
    last = max(r.at for r in sends)
    return (first - start).total_seconds(), (last - start).total_seconds(), sends


async def check_database(engine: Any, users: int) -> dict[str, Any]:
    """What the database says after the dispatch."""
    from bot.storage.models import Delivery

    d = Delivery.__table__  # type: ignore[attr-defined]
    async with engine.connect() as session:
        per_slot = (
            sa.select(d.c.user_id, d.c.kind, d.c.slot_key)
            .group_by(d.c.user_id, d.c.kind, d.c.slot_key)
            .having(sa.func.count() > 1)
            .subquery()
        )
        duplicate_slots = (
            await session.execute(sa.select(sa.func.count()).select_from(per_slot))
        ).scalar_one()
        by_status = dict(
            (
                await session.execute(
                    sa.select(d.c.status, sa.func.count())
                    .where(d.c.kind == "checkin", d.c.due_at == DUE)
                    .group_by(d.c.status)
                )
            ).all()
        )
        not_sent = (
            await session.execute(
                sa.select(d.c.status, d.c.detail, sa.func.count())
                .where(d.c.kind == "checkin", d.c.due_at == DUE, d.c.status != "sent")
                .group_by(d.c.status, d.c.detail)
            )
        ).all()
        pending = d.c.status == "pending"
        next_ok = (
            await session.execute(
                sa.select(sa.func.count(sa.distinct(d.c.user_id))).where(
                    d.c.kind == "checkin", pending, d.c.due_at == NEXT
                )
            )
        ).scalar_one()
        pending_total = (
            await session.execute(sa.select(sa.func.count()).where(d.c.kind == "checkin", pending))
        ).scalar_one()
        with_message = (
            await session.execute(
                sa.select(sa.func.count()).where(
                    d.c.kind == "checkin", d.c.due_at == DUE, d.c.message_id.is_not(None)
                )
            )
        ).scalar_one()
    return {
        "not_sent_why": ", ".join(f"{n} {status} ({detail})" for status, detail, n in not_sent),
        "duplicate_slot_rows": int(duplicate_slots),
        "sent": int(by_status.get("sent", 0)),
        "not_sent": int(sum(v for k, v in by_status.items() if k != "sent")),
        "with_message_id": int(with_message),
        "next_planned_ok": int(next_ok),
        "pending_checkins": int(pending_total),
        "users": users,
    }


async def measure(args: argparse.Namespace, url: str, workdir: Path) -> dict[str, Any]:
    """Start the bot, dispatch, check, baseline; print and return the figures."""
    results: dict[str, Any] = {"load_before": os.getloadavg()[0], "code": code_version()}
    t = time.perf_counter()
    from telegram.ext import ApplicationBuilder  # noqa: F401  (import cost counted below)

    from bot.app import build_application
    from bot.config import Secret, Settings
    from bot.context import SERVICES_KEY, BotContext, Services
    from bot.delivery.dispatch import dispatch_due
    from bot.emulator import BotApiEmulator
    from bot.jobs import DISPATCH_JOB, REPAIR_JOB

    results["import_s"] = time.perf_counter() - t
    plans = zone_plans()
    default_concurrency = int(inspect.signature(dispatch_due).parameters["concurrency"].default)
    concurrency = args.concurrency or default_concurrency

    # socketserver's default listen backlog is 5: a burst of new connections (all 64 of
    # them after httpx's 5 s keep-alive expiry between batches) is then partly reset
    emulator = BotApiEmulator(listen_backlog=args.emulator_backlog)
    emulator.start()
    clock = FrozenClock(DUE - timedelta(minutes=1))
    settings = Settings(
        telegram_bot_token=Secret(emulator.token),
        database_url=url,
        data_encryption_keys=(Secret(BENCH_KEY),),
        chart_dir=workdir / "charts",
        dispatch_interval_seconds=3600.0,  # the job runs only when the benchmark runs it
    )
    rss_before_bot = rss()

    # ---- start-up
    startup: dict[str, float] = {}
    with stopwatch(startup, "build_application"):
        app = build_application(
            settings,
            token=emulator.token,
            api_url=emulator.api_url,
            clock=clock,
            instance="bench-1",
            rate_limit=False,
        )
    with stopwatch(startup, "initialize"):
        await app.initialize()
    assert app.post_init is not None
    with stopwatch(startup, "post_init (migrate, plan_missing, jobs)"):
        await app.post_init(app)
    with stopwatch(startup, "start"):
        await app.start()
    results["startup"] = startup
    services: Services = app.bot_data[SERVICES_KEY]
    assert app.job_queue is not None

    def job_context(name: str) -> tuple[Any, BotContext]:
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name(name)
        return job, BotContext.from_job(job, app)

    # the two parts of post_init that grow with the number of people, timed on their own
    from bot.storage.db import migrate

    with stopwatch(startup, "  of which migrate (again, alone)"):
        await migrate(services.engine)
    repair_job, repair_context = job_context(REPAIR_JOB)
    with stopwatch(startup, "  of which plan_missing (repair job, alone)"):
        await repair_job.callback(repair_context)

    results["idle_rss"] = rss()
    results["idle_rss_over_imports"] = results["idle_rss"] - rss_before_bot

    # ---- the emulator's side: every person has started the bot
    for index in range(args.users):
        _, tg, name, _ = person(index, plans)
        emulator.add_user(tg, first_name=name)
    emulator.add_user(WARMUP_CHAT, first_name="Warm-up")
    results["rss_with_emulator_users"] = rss()
    # open the HTTP connections once, as a running bot has them open
    await asyncio.gather(
        *(app.bot.send_message(WARMUP_CHAT, "warm-up") for _ in range(concurrency))
    )
    mark = len(emulator.requests)

    # ---- dispatch
    probe = Probe()
    gc.collect()
    rss_before = rss()
    peak_resettable = reset_peak_rss()
    if args.tracemalloc:
        tracemalloc.start(16)
    profiler = cProfile.Profile() if args.profile else None
    cpu_before, process_before = thread_cpu(), process_cpu()
    opened = emulator.connections_opened
    clock.current = DUE
    start_wall = datetime.now(UTC)
    start = time.perf_counter()
    with instrumented(probe, services.engine):
        if profiler:
            profiler.enable()
        if args.batch or args.concurrency:
            from bot.app import delivery_senders

            run = dispatch_due(
                services.sessions,
                delivery_senders(app),
                now=clock.now,
                instance=services.instance,
                grace=timedelta(minutes=settings.checkin_grace_minutes),
                batch=args.batch or 500,
                concurrency=concurrency,
            )
        else:
            dispatch_job, dispatch_context = job_context(DISPATCH_JOB)
            run = dispatch_job.callback(dispatch_context)
        try:
            await asyncio.wait_for(run, timeout=args.timeout)
            results["timed_out"] = False
        except TimeoutError:
            results["timed_out"] = True
        if profiler:
            profiler.disable()
        probe.close_batch()
    dispatch_s = time.perf_counter() - start
    results["connections"] = emulator.connections_opened - opened
    cpu_after, process_after = thread_cpu(), process_cpu()
    results["dispatch_cpu"] = cpu_by_group(cpu_before, cpu_after)
    results["dispatch_cpu"]["threads that ended"] = (process_after - process_before) - sum(
        results["dispatch_cpu"].values()
    )
    results["dispatch_peak_rss"] = proc_status("VmHWM") if peak_resettable else 0
    results["rss_before_dispatch"] = rss_before
    if args.tracemalloc:
        results["traced_peak"] = tracemalloc.get_traced_memory()[1]
        snapshot = tracemalloc.take_snapshot()
        tracemalloc.stop()
        held = sum(s.size for s in snapshot.statistics("filename"))
        by_emulator = snapshot.filter_traces(
            [tracemalloc.Filter(True, "*bot/emulator/*", all_frames=True)]
        )
        results["traced_held"] = held
        results["traced_held_emulator"] = sum(s.size for s in by_emulator.statistics("filename"))
        rest = snapshot.filter_traces(
            [tracemalloc.Filter(False, "*bot/emulator/*", all_frames=True)]
        )
        results["traced_held_top"] = [
            f"{mib(stat.size)} in {stat.count:,} blocks: "
            + " <- ".join(
                f"{Path(f.filename).name}:{f.lineno}" for f in reversed(stat.traceback[-4:])
            )
            for stat in rest.statistics("traceback")[:8]
        ]
        del snapshot, by_emulator, rest
    results["rss_after_dispatch"] = rss()
    results["dispatch_s"] = dispatch_s
    results["phases"] = dict(probe.wall)
    results["batches"] = probe.batches
    results["grace_s"] = settings.checkin_grace_minutes * 60
    # the last claim that found work (the one after it finds nothing and ends the run)
    results["last_claim_s"] = probe.claims[-2] - start if len(probe.claims) > 1 else 0.0
    results["statements"] = dict(probe.statements)

    first_s, last_s, sends = handed_over(emulator.requests[mark:], start_wall)
    results["first_prompt_s"] = first_s
    results["last_prompt_s"] = last_s
    per_chat = Counter(r.params.get("chat_id") for r in sends)
    expected = {TELEGRAM_ID_BASE + i for i in range(args.users)}
    results["send_requests"] = len(sends)
    results["failed_requests"] = sum(1 for r in sends if not r.response_ok)
    results["duplicate_chats"] = sum(1 for count in per_chat.values() if count > 1)
    results["missed"] = len(expected - per_chat.keys())
    results["unexpected_chats"] = len(per_chat.keys() - expected)
    results["db"] = await check_database(services.engine, args.users)
    del sends, per_chat

    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)
        results["profile"] = out.getvalue()

    # ---- baseline: the bare sends
    mark = len(emulator.requests)
    base_wall = datetime.now(UTC)
    base_start = time.perf_counter()
    cpu_before, process_before = thread_cpu(), process_cpu()
    opened = emulator.connections_opened
    await bare_sends(app.bot, plans, args.users, concurrency)
    results["baseline_s"] = time.perf_counter() - base_start
    results["baseline_connections"] = emulator.connections_opened - opened
    cpu_after, process_after = thread_cpu(), process_cpu()
    results["baseline_cpu"] = cpu_by_group(cpu_before, cpu_after)
    results["baseline_cpu"]["threads that ended"] = (process_after - process_before) - sum(
        results["baseline_cpu"].values()
    )
    _, results["baseline_last_s"], sends = handed_over(emulator.requests[mark:], base_wall)
    results["baseline_ok"] = sum(1 for r in sends if r.response_ok)
    results["rss_after_baseline"] = rss()
    del sends

    results["load_after"] = os.getloadavg()[0]
    results["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    results["concurrency"] = concurrency
    results["batch"] = args.batch or 500

    # ---- shut down
    await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
    emulator.stop()
    return results


# --------------------------------------------------------------------------- report


def code_version() -> str:
    """The commit measured, and whether the bot's code differs from it (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "bot", "handlers"], cwd=REPO, check=False
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes in bot/ or handlers/" if dirty else "")


def report(
    args: argparse.Namespace, backend: str, seeded: Mapping[str, float], r: Mapping[str, Any]
) -> None:
    """Print the figures."""
    n = args.users
    print(f"\n== check-ins due in one minute: {n:,} people, {backend}, rate limiting off ==")
    print(f"code: {r['code']}")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs,"
        f" emulator listen backlog {args.emulator_backlog},"
        f" load average {r['load_before']:.2f} before, {r['load_after']:.2f} after"
    )
    print(
        "seeding (child process): migrate "
        f"{seeded['migrate']:.2f} s, bulk insert {seeded['insert']:.2f} s"
        + (f", VACUUM ANALYZE {seeded['analyze']:.2f} s" if "analyze" in seeded else "")
    )
    print(f"\nimports of the bot: {r['import_s']:.2f} s")
    print("start-up:")
    total = 0.0
    for step, seconds in r["startup"].items():
        print(f"  {step:<45} {seconds:8.3f} s")
        if not step.startswith("  "):
            total += seconds
    print(f"  {'total (build + initialize + post_init + start)':<45} {total:8.3f} s")
    print(
        f"idle RSS with {n:,} scheduled people: {mib(r['idle_rss'])}"
        f" ({mib(r['idle_rss_over_imports'])} over the process before build_application)"
    )
    print(f"RSS once the emulator knows every person: {mib(r['rss_with_emulator_users'])}")

    print(
        "\ndispatch ("
        + ("the real job's callback" if not (args.batch or args.concurrency) else "dispatch_due")
        + f", batch {r['batch']}, concurrency {r['concurrency']}):"
    )
    if r["timed_out"]:
        print(f"  TIMED OUT after {args.timeout} s")
    last = r["last_prompt_s"]
    print(f"  due -> first prompt handed over: {r['first_prompt_s']:8.3f} s")
    print(f"  due -> last prompt handed over:  {last:8.3f} s   ({n / last:,.0f} prompts/s)")
    print(f"  dispatch job finished after:     {r['dispatch_s']:8.3f} s   ({r['batches']} batches)")
    print(
        f"  sendMessage requests {r['send_requests']:,} (failed {r['failed_requests']}),"
        f" chats with > 1: {r['duplicate_chats']}, missed: {r['missed']},"
        f" unexpected chats: {r['unexpected_chats']}"
    )
    db = r["db"]
    print(
        f"  database: slot rows sent {db['sent']:,}, not sent {db['not_sent']},"
        f" with message id {db['with_message_id']:,}; (user, kind, slot) with > 1 row:"
        f" {db['duplicate_slot_rows']}"
    )
    if db["not_sent_why"]:
        print(f"  not sent: {db['not_sent_why']}")
    print(
        f"  next slot ({NEXT:%Y-%m-%d %H:%M} UTC) pending for {db['next_planned_ok']:,} of {n:,};"
        f" pending check-ins in all: {db['pending_checkins']:,}"
    )
    statements = r["statements"]
    count = sum(statements.values())
    print(
        f"  SQL statements: {count:,} = {count / n:.1f} per prompt  "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(statements.items(), key=lambda kv: -kv[1]))
    )
    print("  wall time by phase (sums over batches):")
    for phase, seconds in sorted(r["phases"].items(), key=lambda kv: -kv[1]):
        print(f"    {phase:<24} {seconds:8.2f} s  {100 * seconds / r['dispatch_s']:5.1f} %")
    print(
        f"  last batch claimed {r['last_claim_s']:.1f} s after due (the grace window is"
        f" {r['grace_s']:.0f} s: on a real clock, later claims would be skipped, not sent)"
    )
    print(f"  HTTP connections opened by the bot: {r['connections']:,}")
    print("  CPU time by thread group:")
    for group, seconds in sorted(r["dispatch_cpu"].items(), key=lambda kv: -kv[1]):
        print(f"    {group:<40} {seconds:8.2f} s")
    print(
        f"  RSS before {mib(r['rss_before_dispatch'])}, peak during {mib(r['dispatch_peak_rss'])}"
        f" (+{mib(r['dispatch_peak_rss'] - r['rss_before_dispatch'])}),"
        f" after {mib(r['rss_after_dispatch'])}"
    )
    if "traced_peak" in r:
        print(
            f"  tracemalloc: peak {mib(r['traced_peak'])} traced during the dispatch;"
            f" still held at its end {mib(r['traced_held'])},"
            f" of which allocated under bot/emulator/ {mib(r['traced_held_emulator'])}"
        )
    for line in r.get("traced_held_top", []):
        print(f"    held, not under the emulator: {line}")
    base = r["baseline_last_s"]
    print(
        f"\nbaseline, {n:,} bare send_prompt calls (same bot, emulator, concurrency, no database):"
    )
    print(
        f"  first -> last handed over {base:8.3f} s  ({n / base:,.0f} sends/s), ok {r['baseline_ok']:,},"
        f" HTTP connections opened {r['baseline_connections']:,}"
    )
    print(
        "  CPU time by thread group: "
        + ", ".join(
            f"{group} {seconds:.2f} s"
            for group, seconds in sorted(r["baseline_cpu"].items(), key=lambda kv: -kv[1])
            if seconds >= 0.005
        )
    )
    print(
        f"  RSS grew by {mib(r['rss_after_baseline'] - r['rss_after_dispatch'])}"
        f" (the dispatch: {mib(r['rss_after_dispatch'] - r['rss_before_dispatch'])});"
        " both are mostly the emulator keeping every message and request"
    )
    print(f"  dispatch costs {last / base:.2f} x the bare send")
    if args.profile or args.tracemalloc:
        print("  (the dispatch ran under cProfile/tracemalloc, the baseline did not: no ratio)")
    print(f"\npeak RSS of the measuring process (ru_maxrss): {mib(r['ru_maxrss'])}")
    if "profile" in r:
        print("\n" + r["profile"])
    ok = (
        r["duplicate_chats"] == 0
        and r["missed"] == 0
        and db["duplicate_slot_rows"] == 0
        and db["next_planned_ok"] == n
        and not r["timed_out"]
    )
    print(
        f"\n| {backend} | {n:,} | {total:.2f} s | {mib(r['idle_rss'])} | {last:.1f} s | "
        f"{n / last:,.0f} | {base:.1f} s | {last / base:.1f}x | {r['duplicate_chats']} | "
        f"{r['missed']} | {db['next_planned_ok']:,}/{n:,} | "
        f"{mib(r['dispatch_peak_rss'])} | {count / n:.1f} |"
    )
    print("OK" if ok else "CHECKS FAILED")


def main() -> None:
    """Parse the options, seed, measure, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000, help="people due in the same minute")
    parser.add_argument(
        "--postgres", metavar="URL", help="a PostgreSQL server to make a database on"
    )
    parser.add_argument("--batch", type=int, help="call dispatch_due directly with this batch")
    parser.add_argument("--concurrency", type=int, help="... and this concurrency")
    parser.add_argument(
        "--emulator-backlog",
        type=int,
        default=128,
        help="listen backlog of the emulator's server (stdlib default: 5)",
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="give up the dispatch after")
    parser.add_argument("--tracemalloc", action="store_true", help="trace allocations (slower)")
    parser.add_argument("--profile", type=int, nargs="?", const=30, help="cProfile, top N")
    parser.add_argument("--seed-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    if args.seed_only:
        print(json.dumps(asyncio.run(seed(args.seed_only, args.users))))
        return

    workdir = Path(tempfile.mkdtemp(prefix="kindbreak_bench_"))
    url, backend = f"sqlite:///{workdir / 'bench.db'}", "SQLite"
    try:
        if args.postgres:
            # imported only here, so that asyncpg stays out of an SQLite run's memory
            from tests.support import postgres

            url = asyncio.run(postgres.create_database(args.postgres, "kindbreak_bench"))
            backend = "PostgreSQL"
        seeded = seed_in_child(url, args.users)
        results = asyncio.run(measure(args, url, workdir))
        report(args, backend, seeded, results)
    finally:
        if backend == "PostgreSQL":
            asyncio.run(postgres.drop_database(args.postgres, url))
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
