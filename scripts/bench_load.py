"""Benchmark interactive load: many people doing a break at once, against a bare echo bot.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_load.py
    .venv/bin/python scripts/bench_load.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

One Bot API emulator runs in this process (every request checked against
``../shared/botapi/api.json``); the bots run as child processes against it, one at a time:

- **echo**: a bare python-telegram-bot application (no rate limiter, updates one at a
  time, PTB's defaults) that answers every text with a message carrying three buttons and
  every button press with ``answerCallbackQuery`` and such a message;
- **kindbreak**: ``python -m bot`` as deployed (its own rate limiting on; flood control
  off, as the lone person taps faster than it lets anyone), on an
  SQLite file in a temporary folder or on a throwaway PostgreSQL database (created through
  the server ``--postgres`` names and dropped at the end).

Each round runs echo then Kindbreak (A/B alternating, ``--rounds`` times; medians are
reported). In a round, ``--people`` closed-loop people each go through a full break, over
and over (8 updates per break: /break, a rating, the difficulty, three Next, the need, a
rating): each sends an update, waits until the whole answer has arrived (every expected
message and, for a button, its ``answerCallbackQuery``), then sends the next one at once.
Updates answered within the ``--window`` seconds that follow ``--warmup`` seconds are
counted: updates per second, latency from sending the update to the last part of its
answer (p50, p99), the bot's CPU per update (from /proc of the child) and its
peak RSS. Then one person alone does ``--lone`` updates with 150 ms between an answer and
the next tap. Kindbreak's people are onboarded (/start, a time zone) before the first
round, unmeasured; at the end the completed breaks stored are checked against the breaks
the people completed. ``--profile FILE`` runs Kindbreak under cProfile (its event-loop
thread; the file holds the last round).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.emulator import BotApiEmulator  # noqa: E402

ECHO_BASE = 700_000_000
KIND_BASE = 800_000_000
LONE_OFFSET = 99_999
PROFILE_TO = ""  # --profile: Kindbreak runs under cProfile, its profile written here
THINK = 0.150  # the lone person's pause between an answer and the next tap


@dataclass(frozen=True)
class Action:
    """One update a person sends and how many new bot messages (and, for a step shown in
    place of the pressed message, edits) answer it."""

    kind: str  # "text" or "tap"
    value: str
    messages: int
    edits: int = 0


KINDBREAK_BREAK = (
    Action("text", "/break", 2),
    Action("tap", "3", 1),
    Action("text", "A hard talk with my manager", 2),
    Action("tap", "Next", 0, edits=1),  # step 2 in place of step 1
    Action("tap", "Next", 0, edits=1),  # step 3 in place of step 2
    Action("tap", "Next", 1),  # the kindness step stays; the need question is sent
    Action("text", "You are doing your best", 2),
    Action("tap", "6", 1),
)
ECHO_BREAK = tuple(Action(a.kind, a.value, 1) for a in KINDBREAK_BREAK)


# --------------------------------------------------------------------------- the emulator side


@dataclass
class Pending:
    """An update waiting for its whole answer."""

    messages: int
    answer: bool
    done: asyncio.Future[float]
    edits: int = 0
    got: int = 0
    edited: int = 0
    answered: bool = False


class LoadEmulator(BotApiEmulator):
    """The emulator, telling the benchmark of every new bot message and button answer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pending: dict[int, Pending] = {}
        self.add_listener(self._on_message)

    def _on_message(self, kind: str, message: Any) -> None:
        if kind == "new" and message.message_id:
            self._tell(message.chat_id, time.perf_counter(), message=True)
        elif kind == "edit" and message.text and message.reply_markup:  # a step in place
            self._tell(message.chat_id, time.perf_counter(), message=True, edit=True)

    def _api_answerCallbackQuery(self, params: Mapping[str, Any], events: list[Any]) -> object:
        chat_id = self._callback_chats.get(str(params.get("callback_query_id")), 0)
        result = super()._api_answerCallbackQuery(params, events)
        self._tell(chat_id, time.perf_counter(), message=False)
        return result

    def _tell(self, chat_id: int, at: float, *, message: bool, edit: bool = False) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._arrived, chat_id, at, message, edit)

    def _arrived(self, chat_id: int, at: float, message: bool, edit: bool) -> None:
        waiting = self.pending.get(chat_id)
        if waiting is None or waiting.done.done():
            return
        if edit:
            waiting.edited += 1
        elif message:
            waiting.got += 1
        else:
            waiting.answered = True
        if (
            waiting.got >= waiting.messages
            and waiting.edited >= waiting.edits
            and (waiting.answered or not waiting.answer)
        ):
            waiting.done.set_result(at)

    async def act(
        self, user_id: int, action: Action, timeout: float = 120.0
    ) -> tuple[float, float]:
        """Send one update; (sent, fully answered) in perf_counter seconds."""
        assert self.loop is not None
        waiting = Pending(
            action.messages, action.kind == "tap", self.loop.create_future(), action.edits
        )
        self.pending[user_id] = waiting
        sent = time.perf_counter()
        if action.kind == "tap":
            self.press(user_id, action.value)
        else:
            self.send_text(user_id, action.value)
        done = await asyncio.wait_for(waiting.done, timeout)
        return sent, done


# --------------------------------------------------------------------------- the bots


def echo_main() -> None:
    """The bare echo bot (run in a child process): PTB defaults, no limiter."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import (
        Application,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label) for label in ("3", "6", "Next")]]
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(
            update.effective_message.text, reply_markup=keyboard
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await context.bot.send_message(
            query.message.chat.id, query.data or "?", reply_markup=keyboard
        )

    base = os.environ["TELEGRAM_API_URL"]
    app = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(allowed_updates=["message", "callback_query"])


@dataclass
class Child:
    """A bot running in a child process."""

    name: str
    process: subprocess.Popen[bytes]

    def cpu(self) -> float:
        """CPU seconds (user + system) the child has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss(self) -> int:
        """The child's peak resident set size (VmHWM), in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        """Stop the bot as Ctrl-C would, and wait for it."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# the benchmark's own encryption key (unless DATA_ENCRYPTION_KEY is set): a fresh one per run
BENCH_KEY = ""


def spawn(name: str, emu: LoadEmulator, database_url: str, logs: Path) -> Child:
    """Start one bot in a child process, its output into ``logs``."""
    env = {
        **os.environ,
        "DATA_ENCRYPTION_KEY": os.environ.get("DATA_ENCRYPTION_KEY") or BENCH_KEY,
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_URL": emu.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "DISPATCH_INTERVAL_SECONDS": "600",
        # the lone person taps faster than flood control lets anyone (about 5 a second)
        "FLOOD_PER_MINUTE": "0",
    }
    if name == "echo":
        command = [sys.executable, str(Path(__file__).resolve()), "--serve-echo"]
    elif PROFILE_TO:
        command = [sys.executable, "-m", "cProfile", "-o", PROFILE_TO, "-m", "bot"]
    else:
        command = [sys.executable, "-m", "bot"]
    log = (logs / f"{name}.log").open("ab")
    return Child(name, subprocess.Popen(command, cwd=logs, env=env, stdout=log, stderr=log))


async def start_bot(name: str, emu: LoadEmulator, database_url: str, logs: Path) -> Child:
    """Start one bot against the emulator and wait until it polls."""
    child = spawn(name, emu, database_url, logs)
    process = child.process
    deadline = time.monotonic() + 60
    while emu.active_polls == 0:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start; see {logs / (name + '.log')}")
        await asyncio.sleep(0.05)
    return child


# --------------------------------------------------------------------------- the people


@dataclass
class Person:
    """One closed-loop person: where they are in their break."""

    user_id: int
    script: Sequence[Action]
    position: int = 0
    breaks: int = 0

    async def next(self, emu: LoadEmulator) -> tuple[float, float]:
        """Send the next update of the break and wait for its answer."""
        sent, done = await emu.act(self.user_id, self.script[self.position])
        self.position = (self.position + 1) % len(self.script)
        if self.position == 0:
            self.breaks += 1
        return sent, done


@dataclass
class RoundResult:
    """What one bot did in one round."""

    rate: float
    p50: float
    p99: float
    cpu_ms: float
    peak_mib: float
    lone_p50: float = 0.0
    lone_p99: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    by_step: dict[int, list[float]] = field(default_factory=dict, repr=False)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def closed_loop(
    emu: LoadEmulator, child: Child, people: Sequence[Person], warmup: float, window: float
) -> RoundResult:
    """Everyone taps as fast as they are answered; count the window after the warm-up."""
    start = time.perf_counter()
    opens, closes = start + warmup, start + warmup + window
    latencies: list[float] = []
    by_step: dict[int, list[float]] = {}
    cpu: list[float] = []

    async def loop(person: Person) -> None:
        while time.perf_counter() < closes:
            step = person.position
            sent, done = await person.next(emu)
            if opens <= done <= closes:  # answered within the window, whenever sent
                latencies.append(done - sent)
                by_step.setdefault(step, []).append(done - sent)

    async def meter() -> None:
        await asyncio.sleep(max(0.0, opens - time.perf_counter()))
        cpu.append(child.cpu())
        await asyncio.sleep(max(0.0, closes - time.perf_counter()))
        cpu.append(child.cpu())

    await asyncio.gather(meter(), *(loop(p) for p in people))
    count = len(latencies)
    return RoundResult(
        rate=count / window,
        p50=percentile(latencies, 50),
        p99=percentile(latencies, 99),
        cpu_ms=(cpu[1] - cpu[0]) / max(count, 1) * 1000,
        peak_mib=child.peak_rss() / 2**20,
        latencies=latencies,
        by_step=by_step,
    )


async def alone(emu: LoadEmulator, person: Person, updates: int) -> tuple[float, float]:
    """One person with a 150 ms pause between an answer and the next update: p50, p99."""
    latencies = []
    for _ in range(updates):
        sent, done = await person.next(emu)
        latencies.append(done - sent)
        await asyncio.sleep(THINK)
    return percentile(latencies, 50), percentile(latencies, 99)


async def onboard(emu: LoadEmulator, user_ids: Sequence[int]) -> None:
    """/start and a time zone for everyone, a few at a time (unmeasured)."""
    limit = asyncio.Semaphore(20)

    async def one(user_id: int) -> None:
        async with limit:
            await emu.act(user_id, Action("text", "/start", 1))  # what is stored, and a yes
            await emu.act(user_id, Action("tap", "I agree", 3))
            await emu.act(user_id, Action("tap", "Berlin", 2))

    await asyncio.gather(*(one(u) for u in user_ids))


# --------------------------------------------------------------------------- the run


async def stored_breaks(database_url: str) -> int:
    """Completed breaks rated 3 before and 6 after, as stored."""
    import sqlalchemy as sa

    from bot.storage.db import create_engine

    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            query = sa.text(
                "SELECT count(*) FROM breaks WHERE status = 'completed'"
                " AND mood_before = 3 AND mood_after = 6"
            )
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


def report(name: str, rounds: Sequence[RoundResult]) -> dict[str, float]:
    """Print each round and return the medians."""
    keys = ("rate", "p50", "p99", "cpu_ms", "peak_mib", "lone_p50", "lone_p99")
    medians = {k: statistics.median(getattr(r, k) for r in rounds) for k in keys}
    for i, r in enumerate(rounds, 1):
        print(
            f"  {name:9} round {i}: {r.rate:7.1f} updates/s  p50 {r.p50 * 1000:8.1f} ms"
            f"  p99 {r.p99 * 1000:8.1f} ms  cpu {r.cpu_ms:5.1f} ms/update"
            f"  peak {r.peak_mib:5.0f} MiB  alone p50 {r.lone_p50 * 1000:6.1f} ms"
            f" p99 {r.lone_p99 * 1000:6.1f} ms"
        )
    return medians


def report_steps(name: str, rounds: Sequence[RoundResult], script: Sequence[Action]) -> None:
    """p50 and p99 of each step of the break, over every round."""
    print(f"  {name} by step (all rounds):")
    for step, action in enumerate(script):
        found = [x for r in rounds for x in r.by_step.get(step, [])]
        print(
            f"    {step} {action.kind:4} {action.value[:18]:18} n {len(found):5}"
            f"  p50 {percentile(found, 50) * 1000:8.1f} ms  p99 {percentile(found, 99) * 1000:8.1f} ms"
        )


async def run(args: argparse.Namespace) -> int:
    """The whole benchmark; returns the exit status."""
    from tests.support.botapi import BotApiSpec
    from tests.support.postgres import create_database, drop_database

    spec = BotApiSpec.load()
    workdir = Path(tempfile.mkdtemp(prefix="kindbreak-load-"))
    if args.postgres:
        database_url = await create_database(args.postgres, prefix="kindbreak_bench")
    else:
        database_url = f"sqlite:///{workdir / 'kindbreak.sqlite3'}"
    token = "123456:AAbenchmarkTokenForTheLocalEmulator0000"
    emu = LoadEmulator(token=token, validator=spec.validate, listen_backlog=1024)
    emu.loop = asyncio.get_running_loop()
    emu.start()
    echo_people = [Person(ECHO_BASE + i, ECHO_BREAK) for i in range(args.people)]
    kind_people = [Person(KIND_BASE + i, KINDBREAK_BREAK) for i in range(args.people)]
    echo_lone = Person(ECHO_BASE + LONE_OFFSET, ECHO_BREAK)
    kind_lone = Person(KIND_BASE + LONE_OFFSET, KINDBREAK_BREAK)
    for person in [*echo_people, *kind_people, echo_lone, kind_lone]:
        emu.add_user(person.user_id, first_name="Sam", language_code="en")
    results: dict[str, list[RoundResult]] = {"echo": [], "kindbreak": []}
    try:
        child = await start_bot("kindbreak", emu, database_url, workdir)
        try:
            await onboard(emu, [p.user_id for p in [*kind_people, kind_lone]])
        finally:
            child.stop()
        for number in range(1, args.rounds + 1):
            for name, people, lone in (
                ("echo", echo_people, echo_lone),
                ("kindbreak", kind_people, kind_lone),
            ):
                child = await start_bot(name, emu, database_url, workdir)
                try:
                    result = await closed_loop(emu, child, people, args.warmup, args.window)
                    result.lone_p50, result.lone_p99 = await alone(emu, lone, args.lone)
                    result.peak_mib = child.peak_rss() / 2**20
                finally:
                    child.stop()  # never left polling when the run fails
                results[name].append(result)
                print(f"round {number} {name}: {result.rate:.1f} updates/s", flush=True)
        completed = sum(p.breaks for p in [*kind_people, kind_lone])
        stored = await stored_breaks(database_url)
    finally:
        emu.stop()
        if args.postgres:
            await drop_database(args.postgres, database_url)
    echo = report("echo", results["echo"])
    kind = report("kindbreak", results["kindbreak"])
    report_steps("echo", results["echo"], ECHO_BREAK)
    report_steps("kindbreak", results["kindbreak"], KINDBREAK_BREAK)
    print(
        f"\nmedians of {args.rounds} rounds, {args.people} people, {'PostgreSQL' if args.postgres else 'SQLite'}"
    )
    print(f"{'':24}{'echo':>12}{'kindbreak':>12}{'ratio':>8}")
    for key, label, scale in (
        ("rate", "updates/s", 1.0),
        ("p50", "p50 latency ms", 1000.0),
        ("p99", "p99 latency ms", 1000.0),
        ("cpu_ms", "CPU ms/update", 1.0),
        ("peak_mib", "peak RSS MiB", 1.0),
        ("lone_p50", "alone p50 ms", 1000.0),
        ("lone_p99", "alone p99 ms", 1000.0),
    ):
        ratio = kind[key] / echo[key] if echo[key] else float("nan")
        print(f"{label:24}{echo[key] * scale:12.1f}{kind[key] * scale:12.1f}{ratio:8.2f}")
    print(f"breaks completed {completed}, stored completed with 3 → 6: {stored}")
    print(f"invalid Bot API requests: {len(emu.violations)}")
    return 0 if stored == completed and not emu.violations else 1


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds before counting")
    parser.add_argument("--window", type=float, default=30.0, help="seconds counted")
    parser.add_argument("--lone", type=int, default=80, help="updates of the lone person")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--profile", help="write a cProfile of Kindbreak (event loop) here")
    parser.add_argument("--serve-echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        echo_main()
        return 0
    if args.profile:
        global PROFILE_TO
        PROFILE_TO = str(Path(args.profile).resolve())
    from cryptography.fernet import Fernet

    global BENCH_KEY
    BENCH_KEY = Fernet.generate_key().decode()
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
