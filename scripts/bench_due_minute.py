"""Benchmark: N people due in one minute, sent by one bot process or by three sharing PostgreSQL.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_due_minute.py --people 100000 --instances 1 3
    .venv/bin/python scripts/bench_due_minute.py --people 3000 --budget --instances 1 3
    .venv/bin/python scripts/bench_due_minute.py --people 100000 --budget --window 3000
    .venv/bin/python scripts/bench_due_minute.py --people 100000 --budget --paid --window 20000

For each number of instances given (in turn, in the same run), on a fresh PostgreSQL
database (``--postgres`` names the server; the benchmark creates a database of its own there
for each run and drops it at the end):

1. seeds N people whose check-ins all fall due at the same minute (``scripts/bench_checkins``'
   seeding: seven zones, two times a day, the pending check-in and the pending summary);
2. starts one Bot API emulator in this process (requests recorded without their bodies;
   with ``--budget``, Telegram's flood control: more than 30 sends in any one second are
   answered 429) and knows every person;
3. starts that many bot processes (``build_application``, ``post_init``, ``start``: the real
   dispatch job every ``--interval`` seconds, rate limiting on with ``--budget``, off
   without; with ``--paid``, ``PAID_BROADCASTS`` on: prompts as paid broadcasts, which the
   emulator's flood control lets through at 1,000 a second), each on a clock that stands a minute before the due minute until all of them
   are up, then runs on from the due minute in real time. On PostgreSQL only the process
   holding the sending turn (an advisory lock, ``bot/storage/sending_turn.py``) sends;
4. waits until every person has their prompt (or ``--window`` sends were made: with the
   budget on, 100,000 at 30 a second would take an hour), then stops the processes;
5. counts: prompts handed over per second (from the due instant to the last one, and the
   sustained rate between the 5th second and the last), 429 answers, sends in the busiest
   second, chats with more than one prompt, people without one (when the run went to the
   end), which instance claimed the rows, each process' CPU and peak RSS;
6. baseline in the same run: one process sending bare ``send_prompt`` calls to
   ``--baseline`` people (same emulator, same rate limiting, 64 at a time, no database),
   so each figure also reads as a ratio to the bare send.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from scripts.bench_checkins import (  # noqa: E402
    BENCH_KEY,
    DUE,
    TELEGRAM_ID_BASE,
    Probe,
    check_database,
    instrumented,
    person,
    seed_in_child,
    zone_plans,
)

TELEGRAM_LIMIT = 30  # sends in any one second, as the emulator's flood control plays it
SUSTAINED_FROM = 5.0  # seconds after the first prompt: the sustained rate is measured after
CONCURRENCY = 64


# --------------------------------------------------------------------------- the bot processes


class GoClock:
    """A minute before the due instant until ``go``; then the due instant plus real time."""

    def __init__(self) -> None:
        self.start: float | None = None

    def now(self) -> datetime:
        """The bot's current instant."""
        if self.start is None:
            return DUE - timedelta(minutes=1)
        return DUE + timedelta(seconds=time.time() - self.start)


def read_commands(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]) -> None:
    """Hand every line of stdin to the event loop (in a thread: stdin blocks)."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line.strip())
    loop.call_soon_threadsafe(queue.put_nowait, "stop")


def cpu_seconds() -> float:
    """User + system CPU of this process so far."""
    times = os.times()
    return times.user + times.system


async def bot_process(config: dict[str, Any]) -> dict[str, Any]:
    """One bot instance: start, wait for ``go <epoch>``, run the jobs until ``stop``."""
    from bot.app import build_application
    from bot.config import Secret, Settings
    from bot.context import SERVICES_KEY, Services

    if config.get("concurrency"):  # the dispatch job with another number of sends in flight
        from bot import jobs

        jobs.dispatch_due = partial(jobs.dispatch_due, concurrency=config["concurrency"])  # type: ignore[assignment]
    clock = GoClock()
    settings = Settings(
        telegram_bot_token=Secret(config["token"]),
        database_url=config["url"],
        chart_dir=Path(config["workdir"]) / config["name"],
        dispatch_interval_seconds=config["interval"],
        data_encryption_keys=(Secret(BENCH_KEY),),  # the key the seeding wrote with
        paid_broadcasts=config["paid"],
    )
    started = time.perf_counter()
    app = build_application(
        settings,
        token=config["token"],
        api_url=config["api_url"],
        clock=clock,
        instance=config["name"],
        rate_limit=config["budget"],
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()
    startup = time.perf_counter() - started
    queue: asyncio.Queue[str] = asyncio.Queue()
    threading.Thread(
        target=read_commands, args=(asyncio.get_running_loop(), queue), daemon=True
    ).start()
    print(json.dumps({"ready": True}), flush=True)
    cpu_at_go = cpu_seconds()
    profiler = cProfile.Profile() if config.get("profile") else None
    probe = Probe()
    services: Services = app.bot_data[SERVICES_KEY]
    with instrumented(probe, services.engine):
        while (command := await queue.get()) != "stop":
            if command.startswith("go "):
                clock.start = float(command.split()[1])
                cpu_at_go = cpu_seconds()
                if profiler:
                    profiler.enable()
        probe.close_batch()
    cpu = cpu_seconds() - cpu_at_go
    figures = {
        "startup_s": startup,
        "cpu_s": cpu,
        "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "phases": probe.wall,
        "batches": probe.batches,
        "statements": sum(probe.statements.values()),
    }
    if profiler:
        profiler.disable()
        with (Path(config["workdir"]) / f"profile-{config['name']}.txt").open("w") as out:
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(60)
    if config["window"]:
        # stopped mid-run: a graceful stop would wait for the dispatch job to send the rest
        print(json.dumps(figures), flush=True)
        os._exit(0)
    await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
    return figures


async def baseline_process(config: dict[str, Any]) -> dict[str, Any]:
    """Bare ``send_prompt`` calls (no database): the same client and rate limiting, 64 at a time."""
    from telegram.error import RetryAfter
    from telegram.ext import ApplicationBuilder

    from bot.delivery.rate_limits import ReplyFirstRateLimiter, scheduled_sends
    from bot.delivery.requests import AiohttpRequest
    from bot.storage.deliveries import ClaimedDelivery
    from handlers.checkin import send_prompt

    builder = (
        ApplicationBuilder()
        .token(config["token"])
        .base_url(config["base_url"])
        .request(AiohttpRequest(64))  # the bot's own Bot API client, as many in flight
    )
    if config["budget"]:
        builder = builder.rate_limiter(ReplyFirstRateLimiter())
    app = builder.build()
    await app.initialize()
    plans = zone_plans()
    people = iter(range(config["people"]))
    gave_up: list[int] = []

    async def worker() -> None:
        for index in people:
            uid, tg, name, plan = person(index, plans)
            claimed = ClaimedDelivery(
                id=10_000_000 + uid,
                user_id=uid,
                kind="checkin",
                slot_key=plan.checkin_key,
                due_at=DUE,
                attempts=1,
                chat_id=tg,
                first_name=name,
                language="en",
                time_zone=plan.zone,
            )
            with scheduled_sends():
                try:
                    await send_prompt(app.bot, claimed, paid=config["paid"])
                except RetryAfter:  # still refused after the limiter's own retries
                    gave_up.append(index)

    cpu_before = cpu_seconds()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(config["concurrency"] or CONCURRENCY)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    await app.shutdown()
    return {"elapsed_s": elapsed, "cpu_s": cpu, "gave_up": len(gave_up)}


# --------------------------------------------------------------------------- the measuring side


class Child:
    """A bot process started by the benchmark, spoken to over its stdin and stdout."""

    def __init__(self, mode: str, config: dict[str, Any], log: IO[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, mode, json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=REPO,
        )

    def read(self) -> dict[str, Any]:
        """The next JSON line it prints."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a bot process ended early (exit {self.process.wait()})")
        return dict(json.loads(line))

    def say(self, command: str) -> None:
        """Send one command line."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def finish(self) -> dict[str, Any]:
        """Ask it to stop; its figures."""
        self.say("stop")
        figures = self.read()
        self.process.wait(timeout=60)
        return figures


def sends_after(emulator: Any, mark: int) -> list[Any]:
    """The sendMessage requests received since ``mark`` (an index into ``requests``)."""
    return [r for r in emulator.requests[mark:] if r.method == "sendMessage"]


def wait_for_prompts(emulator: Any, mark: int, target: int, *, stall: float) -> None:
    """Poll until ``target`` prompts were handed over, or nothing happened for ``stall`` s."""
    seen, ok, last_change = mark, 0, time.monotonic()
    while ok < target:
        time.sleep(0.2)
        fresh = emulator.requests[seen:]
        seen += len(fresh)
        got = sum(1 for r in fresh if r.method == "sendMessage" and r.response_ok)
        if got:
            ok, last_change = ok + got, time.monotonic()
        elif time.monotonic() - last_change > stall:
            print(f"  stalled: {ok:,} of {target:,} prompts after {stall:.0f} s without one")
            return


def busiest_second(times: list[float]) -> int:
    """The most sends within any one second (a sliding window over sorted times)."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def rates(sends: list[Any], go: datetime) -> dict[str, Any]:
    """Handed-over figures of one run's sendMessage requests."""
    ok = sorted((r.at - go).total_seconds() for r in sends if r.response_ok)
    refused = [r for r in sends if r.error_code == 429]
    if not ok:
        return {"ok": 0, "refused_429": len(refused)}
    after = [at for at in ok if at >= ok[0] + SUSTAINED_FROM]
    sustained = (len(after) - 1) / (after[-1] - after[0]) if len(after) > 1 else float("nan")
    first_429 = min((r.at - go).total_seconds() for r in refused) if refused else None
    gaps = sorted(((b - a, a) for a, b in itertools.pairwise(ok)), reverse=True)[:12]
    return {
        "gaps": gaps,
        "ok": len(ok),
        "first_s": ok[0],
        "last_s": ok[-1],
        "per_second": len(ok) / ok[-1],
        "sustained": sustained,
        "busiest_second": busiest_second(ok),
        "refused_429": len(refused),
        "first_429_s": first_429,
    }


async def database_figures(url: str, people: int) -> dict[str, Any]:
    """What the database says after the run: the usual checks, and who claimed what."""
    from bot.storage.db import create_engine
    from bot.storage.models import Delivery

    engine = create_engine(url)
    try:
        checks = await check_database(engine, people)
        d = Delivery.__table__  # type: ignore[attr-defined]
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.select(d.c.claimed_by, sa.func.count())
                .where(d.c.kind == "checkin", d.c.due_at == DUE, d.c.claimed_by.is_not(None))
                .group_by(d.c.claimed_by)
            )
            checks["claimed_by"] = {str(name): int(n) for name, n in rows.all()}
    finally:
        await engine.dispose()
    return checks


def one_run(args: argparse.Namespace, instances: int, workdir: Path) -> dict[str, Any]:
    """Seed a fresh database, run ``instances`` bot processes until done, check, baseline."""
    from bot.emulator import BotApiEmulator
    from tests.support import postgres

    url = asyncio.run(postgres.create_database(args.postgres, "kindbreak_bench"))
    try:
        seeded = seed_in_child(url, args.people)
        emulator = BotApiEmulator(listen_backlog=512, keep_request_params=False)
        emulator.start()
        try:
            return measure(args, instances, workdir, url, emulator) | {"seeded": seeded}
        finally:
            emulator.stop()
    finally:
        asyncio.run(postgres.drop_database(args.postgres, url))


def measure(
    args: argparse.Namespace, instances: int, workdir: Path, url: str, emulator: Any
) -> dict[str, Any]:
    """Start the bot processes, let them send, stop them; the figures."""
    plans = zone_plans()
    for index in range(args.people):
        _, tg, name, _ = person(index, plans)
        emulator.add_user(tg, first_name=name)
    if args.budget:
        emulator.limit_sends(TELEGRAM_LIMIT)
    config = {
        "token": emulator.token,
        "api_url": emulator.api_url,
        "base_url": emulator.base_url,
        "url": url,
        "workdir": str(workdir),
        "interval": args.interval,
        "budget": args.budget,
        "paid": args.paid,
        "profile": args.profile,
        "concurrency": args.concurrency,
        "window": bool(args.window and args.window < args.people),
    }
    log = (workdir / f"bots-{instances}.log").open("w")
    children = [
        Child("--bot", config | {"name": f"instance-{n + 1}"}, log) for n in range(instances)
    ]
    for child in children:
        child.read()  # ready: started, post_init done (migrate, plan_missing), jobs running
    load_before = os.getloadavg()[0]
    mark = len(emulator.requests)
    cpu_before = cpu_seconds()
    go = time.time() + 0.5
    for child in children:
        child.say(f"go {go}")
    target = min(args.window or args.people, args.people)
    wait_for_prompts(emulator, mark, target, stall=args.stall)
    cpu_emulator = cpu_seconds() - cpu_before
    figures = [child.finish() for child in children]
    sends = sends_after(emulator, mark)
    result: dict[str, Any] = {
        "instances": instances,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "processes": figures,
        "emulator_cpu_s": cpu_emulator,
        "complete": target == args.people,
    }
    result |= rates(sends, datetime.fromtimestamp(go, UTC))
    per_chat = Counter(r.params.get("chat_id") for r in sends if r.response_ok)
    expected = {TELEGRAM_ID_BASE + i for i in range(args.people)}
    result["duplicate_chats"] = sum(1 for n in per_chat.values() if n > 1)
    result["missed"] = len(expected - per_chat.keys())
    result["db"] = asyncio.run(database_figures(url, args.people))
    del sends, per_chat

    # ---- baseline: bare sends from one process, same emulator and rate limiting
    mark = len(emulator.requests)
    emulator.limit_sends(TELEGRAM_LIMIT if args.budget else None)  # a fresh window
    people = min(args.baseline, args.people)
    base = Child("--baseline", config | {"people": people}, log)
    result["baseline"] = base.read() | {"people": people}
    base.process.wait(timeout=60)
    refused = [r for r in emulator.requests[mark:] if r.error_code == 429]
    result["baseline"]["refused_429"] = len(refused)
    log.close()
    return result


# --------------------------------------------------------------------------- report


def report(args: argparse.Namespace, runs: list[dict[str, Any]]) -> None:
    """Print each run and the comparison."""
    mode = "send budget on (rate limiting, flood control 30/s)" if args.budget else "budget off"
    if args.paid:
        mode += ", paid broadcasts (1,000/s)"
    print(f"\n== {args.people:,} people due in one minute, PostgreSQL, {mode} ==")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, dispatch every {args.interval} s"
    )
    rows = []
    for r in runs:
        n, base = r["instances"], r["baseline"]
        base_rate = base["people"] / base["elapsed_s"]
        db = r["db"]
        print(
            f"\n-- {n} instance{'s' if n > 1 else ''} (load {r['load_before']:.1f} -> "
            f"{r['load_after']:.1f}); seeding {r['seeded']['insert']:.1f} s"
        )
        for i, p in enumerate(r["processes"], 1):
            print(
                f"  instance-{i}: start-up {p['startup_s']:.2f} s, CPU after due "
                f"{p['cpu_s']:.1f} s, peak RSS {p['max_rss'] / 2**20:.0f} MiB"
            )
            if p["batches"]:
                phases = ", ".join(
                    f"{k} {v:.1f} s" for k, v in sorted(p["phases"].items(), key=lambda kv: -kv[1])
                )
                print(f"    {p['batches']} batches, {p['statements']:,} SQL statements; {phases}")
        print(f"  claimed by: {db['claimed_by']}")
        if not r["ok"]:
            print("  no prompt handed over")
            continue
        print(
            f"  due -> first prompt {r['first_s']:.2f} s, -> last {r['last_s']:.1f} s: "
            f"{r['ok']:,} prompts, {r['per_second']:,.1f}/s; sustained after "
            f"{SUSTAINED_FROM:.0f} s {r['sustained']:,.1f}/s; busiest second {r['busiest_second']}"
        )
        print(
            f"  429 answers {r['refused_429']}"
            + (f" (first at {r['first_429_s']:.1f} s)" if r["first_429_s"] is not None else "")
        )
        missed = r["missed"] if r["complete"] else "n/a (window)"
        print(
            f"  chats with > 1 prompt {r['duplicate_chats']}, missed {missed}; "
            f"(user, kind, slot) with > 1 row {db['duplicate_slot_rows']}; sent rows "
            f"{db['sent']:,}; next slot pending {db['next_planned_ok']:,}"
        )
        print(
            "  longest pauses between two prompts: "
            + ", ".join(f"{g:.2f} s at {a:.1f} s" for g, a in r["gaps"])
        )
        print(f"  emulator (this process) CPU {r['emulator_cpu_s']:.1f} s")
        print(
            f"  baseline: {base['people']:,} bare sends in {base['elapsed_s']:.1f} s = "
            f"{base_rate:,.1f}/s (CPU {base['cpu_s']:.1f} s, 429s {base['refused_429']}, "
            f"given up {base.get('gave_up', 0)}); "
            f"run / baseline {r['per_second'] / base_rate:.2f}x, "
            f"sustained / baseline {r['sustained'] / base_rate:.2f}x"
        )
        rows.append((n, r, base_rate))
    print(
        "\n| instances | prompts/s (due -> last) | sustained | baseline | ratio | 429s | "
        "busiest second | duplicates | missed |"
    )
    for n, r, base_rate in rows:
        print(
            f"| {n} | {r['per_second']:,.1f} | {r['sustained']:,.1f} | {base_rate:,.1f} | "
            f"{r['per_second'] / base_rate:.2f} | {r['refused_429']} | {r['busiest_second']} | "
            f"{r['duplicate_chats']} | {r['missed'] if r['complete'] else 'n/a'} |"
        )


def main() -> None:
    """Parse the options, run, report."""
    if len(sys.argv) == 3 and sys.argv[1] in ("--bot", "--baseline"):
        config = json.loads(sys.argv[2])
        runner = bot_process if sys.argv[1] == "--bot" else baseline_process
        print(json.dumps(asyncio.run(runner(config))), flush=True)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="people due in one minute")
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 3], help="runs, in turn")
    parser.add_argument("--budget", action="store_true", help="rate limiting and flood control")
    parser.add_argument("--paid", action="store_true", help="prompts as paid broadcasts")
    parser.add_argument("--window", type=int, help="stop after this many prompts")
    parser.add_argument("--baseline", type=int, default=10_000, help="bare sends for the ratio")
    parser.add_argument("--interval", type=float, default=1.0, help="dispatch job, seconds")
    parser.add_argument("--stall", type=float, default=60.0, help="give up after no send for")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="the PostgreSQL server to make the databases on",
    )
    parser.add_argument("--concurrency", type=int, help="sends in flight (default: the bot's)")
    parser.add_argument("--profile", action="store_true", help="cProfile each bot process")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kindbreak_due_"))
    runs = [one_run(args, n, workdir) for n in args.instances]
    report(args, runs)
    print(f"(bot processes' logs in {workdir})")


if __name__ == "__main__":
    main()
