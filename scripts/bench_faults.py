"""Fault campaign: people go through every flow while Telegram fails at random points.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_faults.py
    .venv/bin/python scripts/bench_faults.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

The real bot (in this process, its rate limiter on) runs against the Bot API emulator, every
request checked against ``../shared/botapi/api.json``; with ``--database-url`` a throwaway
database is made on that PostgreSQL server and dropped at the end, otherwise an SQLite file.
For each kind of fault, ``--people`` people at once answer a check-in prompt, then do a
break, /mood (with a feeling and a note), /critic, /gratitude (three things) and
/safetyplan. Before each of their actions, with probability ``--rate``, a fault of that kind
is queued for one of the calls the action makes (a message, a button answer, an edit):
500 or 502 (one to three times: three outlast the bot's retries), a slow answer (past the
bot's 5 s timeout: it takes effect late), a connection dropped before or after the call
takes effect, a 429 (one, three or nine times: nine outlast every retry). A person who sees
nothing (within ``--patience`` seconds, 8 by default) carries on as people do: taps the
same button again, or sends the same words again; then sends "hello?"; then sends the
flow's command again, which counts them as stuck (the flow starts over). Printed per kind
of fault: entries the people completed, the entries stored (and, of those, stored for a
flow the person gave up on), duplicates and losses, words stored in the wrong place, people
stuck, and the Bot API calls that were invalid (spec violations, buttons answered twice).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time as clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlmodel import col, select  # noqa: E402

from bot.emulator import BotApiEmulator, BotMessage  # noqa: E402
from bot.storage.models import Break, BreakStatus, MoodRating, SafetyPlan, User  # noqa: E402
from bot.storage.practice_models import GratitudeEntry, PracticeSession  # noqa: E402
from bot.ui.texts import t  # noqa: E402
from tests.e2e.test_checkins import pending_checkin, set_schedule  # noqa: E402
from tests.support.botapi import BotApiSpec  # noqa: E402
from tests.support.harness import FakeClock, Harness, make_settings, onboard  # noqa: E402
from tests.support.postgres import create_database, drop_database  # noqa: E402

WAIT = 8.0  # seconds a person waits for an answer before trying something else (--patience)
POLL = 0.25  # how often a waiting person looks at the chat
NOT_AN_ANSWER = ("Something went wrong", "Here's where we were")
SAVED_ANYWAY = t("fallback.error")  # the apology when a flow's last message fails
Probe = Callable[[list[BotMessage], list[BotMessage]], bool]
T = TypeVar("T")


def button(label: str) -> Probe:
    """A new message with this button (``Next`` matches ``Next →``)."""
    return lambda new, _all: any(
        text == label or text.startswith(label + " ") for m in new for text, _ in m.buttons()
    )


def says(*parts: str) -> Probe:
    """A new message holding every one of ``parts``."""
    return lambda new, _all: any(all(p in (m.text or "") for p in parts) for m in new)


def either(first: Probe, second: Probe) -> Probe:
    """Either answer will do."""
    return lambda new, every: first(new, every) or second(new, every)


def ticked(tag: str) -> Probe:
    """The feelings keyboard shows ``tag`` ticked (an edit, not a new message)."""
    return lambda _new, every: any(t == f"✓ {tag}" for m in every for t, _ in m.buttons())


# flow: (its command, its steps as (action, what shows it was answered), what is stored)
FLOWS: dict[str, tuple[str, list[tuple[str, Probe]]]] = {
    "checkin": (
        "",
        [
            ("> 3", button("Done")),
            ("> tired", ticked("tired")),
            ("> Done", says("few words")),
            ("long day", says("Saved")),
        ],
    ),
    "break": (
        "/break",
        [
            ("/break", button("3")),
            ("> 3", says("weighing on you")),
            ("a hard talk", button("Next")),
            ("> Next", button("Next")),
            ("> Next", button("Next")),
            ("> Next", says("need to hear")),
            ("you are doing your best", button("6")),
            ("> 6", says("3", "6")),
        ],
    ),
    "mood": (
        "/mood",
        [
            ("/mood", button("8")),
            ("> 8", button("Done")),
            ("> tired", ticked("tired")),
            ("> Done", says("few words")),
            ("sunny walk", says("Saved")),
        ],
    ),
    "critic": (
        "/critic",
        [
            ("/critic", button("3")),
            ("> 3", button("Skip")),
            ("my inner critic is loud", button("Skip")),
            ("the drill sergeant", button("Skip")),
            ("> Skip", says("wise")),
            ("you are learning", button("5")),
            ("> 5", button("Another practice")),
        ],
    ),
    "gratitude": (
        "/gratitude",
        [
            ("/gratitude", button("Stop for now")),
            ("tea", button("That's all")),
            ("sun", button("That's all")),
            ("rest", button("Another practice")),
        ],
    ),
    "safetyplan": (
        "/safetyplan",
        [
            ("/safetyplan", says("1 of 7")),
            ("not sleeping", says("2 of 7")),
            *[("> Skip", says(f"{n} of 7")) for n in range(3, 8)],
            ("my niece", says("My reasons for living\nmy niece")),
        ],
    ),
}
KINDS = ("500", "502", "timeout", "dropped before", "dropped after", "429")


class ErrorCount(logging.Handler):
    """Counts records logged at ERROR or above (a traceback means a fault of ours)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count one."""
        self.count += 1


ERRORS = ErrorCount()
VERBOSE = False


@dataclass
class Person:
    """One person of the campaign and what they went through."""

    uid: int
    made: Counter[str] = field(default_factory=Counter)
    restarts: int = 0
    nudges: int = 0  # the same again, or "hello?", after seeing nothing
    faults: int = 0


def inject(emu: BotApiEmulator, kind: str, uid: int, tap: bool, rng: random.Random) -> None:
    """Queue one fault of ``kind`` for a call the person's next action makes."""
    methods = ["sendMessage"] + (["answerCallbackQuery", "editMessageReplyMarkup"] if tap else [])
    method = rng.choice(methods)
    chat = None if method == "answerCallbackQuery" else uid  # button answers name no chat
    if kind in ("500", "502"):
        text = "Internal Server Error" if kind == "500" else "Bad Gateway"
        times = rng.choice((1, 2, 3))
        emu.fail_next(method, chat_id=chat, error_code=int(kind), description=text, times=times)
    elif kind == "429":
        emu.fail_next(
            method,
            chat_id=chat,
            error_code=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
            times=rng.choice((1, 3, 9)),
        )
    elif kind == "timeout":
        emu.slow_next(method, 6.0)
    else:
        emu.network_fail_next(method, after_processing=kind == "dropped after")


async def act(h: Harness, uid: int, action: str) -> bool:
    """Do one action; False when the button to tap is not on screen."""
    if action.startswith("> "):
        try:
            h.emulator.press(uid, action[2:])
        except LookupError:
            return False
    else:
        h.emulator.send_text(uid, action)
    return True


async def poll(check: Callable[[], T | None], timeout: float) -> T | None:
    """``check()`` every ``POLL`` seconds until it gives something or ``timeout`` passes.

    Polled rather than woken by the emulator: with many people waiting, waking every one of
    them on every Bot API call would starve the bot, which runs in this same event loop."""
    deadline = clock.monotonic() + timeout
    while True:
        found = check()
        if found is not None or clock.monotonic() >= deadline:
            return found
        await asyncio.sleep(POLL)


async def answered(h: Harness, uid: int, mark: int, probe: Probe) -> bool:
    """Whether the person sees the answer ``probe`` looks for within ``WAIT`` seconds."""

    def seen() -> bool | None:
        every = h.emulator.chat_messages(uid)
        new = [
            m
            for m in every
            if m.message_id > mark and not any(s in (m.text or "") for s in NOT_AN_ANSWER)
        ]
        return True if probe(new, every) else None

    return await poll(seen, WAIT) is not None


async def run_flow(h: Harness, person: Person, flow: str, kind: str, rate: float) -> None:
    """One flow to its end, carrying on after faults as a person would."""
    command, steps = FLOWS[flow]
    rng = random.Random(f"{person.uid}-{flow}")
    index = 0
    while index < len(steps):
        action, probe = steps[index]
        if rng.random() < rate:
            person.faults += 1
            inject(h.emulator, kind, person.uid, action.startswith("> "), rng)
        last = index == len(steps) - 1
        if await take_step(h, person, action, probe, last=last):
            index += 1
            continue
        if not command or person.restarts >= 5:
            return  # a check-in has no command to start over with
        person.restarts += 1  # stuck: the command again, then on from what they see
        if VERBOSE:
            _show(h, person, flow, action)
        mark = h.emulator.mark(person.uid)
        h.emulator.send_text(person.uid, command)
        shown = await where_now(h, person.uid, mark, steps[: index + 1])
        index = index if shown is None else shown + 1
    person.made[flow] += 1


def _show(h: Harness, person: Person, flow: str, action: str) -> None:
    tail = [
        (m.message_id, (m.text or "")[:30], [t for t, _ in m.buttons()][:3])
        for m in h.emulator.chat_messages(person.uid)[-6:]
    ]
    print(f"stuck: {person.uid} {flow} at {action!r}; last seen {tail}", flush=True)


async def take_step(h: Harness, person: Person, action: str, probe: Probe, *, last: bool) -> bool:
    """The action, then (seeing nothing) the same again, then "hello?"; True once answered.

    After the last step of a flow, being told it went wrong but what they shared is saved
    is an answer too: it is all a person can learn, and the campaign checks it is true."""
    mark = h.emulator.mark(person.uid)
    if last:
        probe = either(
            probe,
            lambda _new, every: any(
                m.message_id > mark and m.text == SAVED_ANYWAY for m in every[-3:]
            ),
        )
    tries = [action, "hello?"] if action.startswith("> ") else [action, action, "hello?"]
    for number, attempt in enumerate(tries):
        if number:
            person.nudges += 1
        if await act(h, person.uid, attempt) and await answered(h, person.uid, mark, probe):
            return True
    return False


async def where_now(h: Harness, uid: int, mark: int, steps: list[tuple[str, Probe]]) -> int | None:
    """After the command again: the latest step whose answer the person now sees, if any."""

    def latest() -> int | None:
        every = h.emulator.chat_messages(uid)
        new = [m for m in every if m.message_id > mark]
        matches = [i for i, (_action, probe) in enumerate(steps) if probe(new, new)]
        return max(matches) if matches else None

    return await poll(latest, WAIT)


async def run_person(h: Harness, person: Person, kind: str, rate: float) -> None:
    """Every flow, one after another."""
    for flow in FLOWS:
        await run_flow(h, person, flow, kind, rate)


async def stored(h: Harness, uid: int) -> tuple[Counter[str], int]:
    """Entries stored for one person, and words stored where they do not belong."""
    async with h.session() as session:
        user = (await session.exec(select(User).where(User.telegram_id == uid))).one()
        ratings = (
            await session.exec(select(MoodRating).where(MoodRating.user_id == user.id))
        ).all()
        breaks = (
            await session.exec(
                select(Break).where(
                    Break.user_id == user.id, col(Break.status) == BreakStatus.COMPLETED
                )
            )
        ).all()
        practices = (
            await session.exec(
                select(PracticeSession).where(
                    PracticeSession.user_id == user.id, PracticeSession.status == "completed"
                )
            )
        ).all()
        entries = (
            await session.exec(select(GratitudeEntry).where(GratitudeEntry.user_id == user.id))
        ).all()
        plan = (await session.exec(select(SafetyPlan).where(SafetyPlan.user_id == user.id))).first()
    found = Counter({"break": len(breaks), "safetyplan": int(plan is not None)})
    for rating in ratings:
        if rating.kind in ("quick", "checkin"):
            found["mood" if rating.kind == "quick" else "checkin"] += 1
    for practice in practices:
        found[practice.kind] += 1
    wrong = sum(
        b.difficulty != "a hard talk" or b.need != "you are doing your best" for b in breaks
    )
    wrong += sum(
        r.note not in (None, "sunny walk", "long day") for r in ratings if r.kind != "break_before"
    )
    wrong += sum(e.text not in ("tea", "sun", "rest") for e in entries)
    found["gratitude entries"] = len(entries)
    return found, wrong


@dataclass
class Figures:
    """What one kind of fault did, over all its people."""

    made: int = 0
    stored: int = 0
    unconfirmed: int = 0
    duplicates: int = 0
    lost: int = 0
    wrong: int = 0
    stuck: int = 0
    restarts: int = 0
    nudges: int = 0
    faults: int = 0
    errors: int = 0
    invalid: int = 0
    answered_twice: int = 0


async def campaign(h: Harness, kind: str, people: int, base: int, rate: float) -> Figures:
    """One kind of fault: onboard, send the check-in prompts, then everyone at once."""
    crowd = [Person(base + i) for i in range(people)]
    for person in crowd:
        await onboard(h, person.uid)
        await set_schedule(h, person.uid, [time((h.clock.now().hour + 2) % 24, 0)])
    due = await pending_checkin(h)
    assert due is not None
    h.clock.set(due.due_at)
    await h.dispatch()
    before_requests, before_violations = len(h.emulator.requests), len(h.emulator.violations)
    errors = ERRORS.count
    await asyncio.gather(*(run_person(h, person, kind, rate) for person in crowd))
    await asyncio.sleep(WAIT)  # slow answers still on their way
    await h.settled(timeout=60.0)
    h.emulator.clear_faults()
    figures = Figures(errors=ERRORS.count - errors)
    for person in crowd:
        found, wrong = await stored(h, person.uid)
        for flow in FLOWS:
            made, kept = person.made[flow], found[flow]
            figures.made += made
            figures.stored += kept
            if made:
                figures.duplicates += max(0, kept - made)
            else:
                figures.unconfirmed += kept  # stored, but the person gave up before the end
            figures.lost += max(0, made - kept)
        extra = found["gratitude entries"] - 3 * person.made["gratitude"]
        figures.duplicates += max(0, extra)  # a thing noted twice
        figures.wrong += wrong
        figures.stuck += person.restarts > 0 or sum(person.made.values()) < len(FLOWS)
        figures.restarts += person.restarts
        figures.nudges += person.nudges
        figures.faults += person.faults
    calls = h.emulator.requests[before_requests:]
    figures.answered_twice = sum(
        1 for r in calls if r.method == "answerCallbackQuery" and r.error_code == 400
    )
    figures.invalid = len(h.emulator.violations) - before_violations + figures.answered_twice
    return figures


ROWS = (
    ("entries made", "made"),
    ("entries stored", "stored"),
    ("… of flows the person gave up on", "unconfirmed"),
    ("duplicates", "duplicates"),
    ("lost", "lost"),
    ("words in the wrong place", "wrong"),
    ("people stuck", "stuck"),
    ("flows started over", "restarts"),
    ("answers seen only after a nudge", "nudges"),
    ("faults injected", "faults"),
    ("errors logged", "errors"),
    ("invalid calls", "invalid"),
)


def report(results: dict[str, Figures], people: int, database: str) -> None:
    """One table: a row per figure, a column per kind of fault."""
    print(f"\n{people} people per kind of fault, {database}:\n")
    print("| | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for label, name in ROWS:
        cells = " | ".join(str(getattr(f, name)) for f in results.values())
        print(f"| {label} | {cells} |")


async def main(args: argparse.Namespace) -> None:
    """Run every kind of fault on one bot and one database, then print the table."""
    global VERBOSE, WAIT
    VERBOSE, WAIT = args.verbose, args.patience
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().addHandler(ERRORS)
    url = args.database_url
    started = clock.perf_counter()
    throwaway = await create_database(url, "kindbreak_faults") if url else None
    with tempfile.TemporaryDirectory() as folder:
        database = throwaway or f"sqlite:///{Path(folder) / 'faults.sqlite3'}"
        spec = BotApiSpec.load()
        with BotApiEmulator(validator=spec.validate, listen_backlog=256) as emulator:
            settings = make_settings(database, Path(folder))
            h = Harness(emulator=emulator, settings=settings, clock=FakeClock())
            await h.start()
            try:
                results = {}
                for number, kind in enumerate(args.kinds):
                    base = 600_000_000 + number * 10_000
                    results[kind] = await campaign(h, kind, args.people, base, args.rate)
                    print(f"{kind}: {results[kind]}", flush=True)
            finally:
                for app in list(h.apps):
                    await h.stop(app)
    if throwaway and url:
        await drop_database(url, throwaway)
    report(results, args.people, "PostgreSQL" if url else "SQLite")
    print(f"\n{clock.perf_counter() - started:.0f} s in all")


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30, help="people per kind of fault")
    parser.add_argument("--rate", type=float, default=0.3, help="chance of a fault per action")
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database)")
    parser.add_argument("--verbose", action="store_true", help="show what stuck people saw")
    parser.add_argument(
        "--patience", type=float, default=WAIT, help="seconds a person waits before a nudge"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
