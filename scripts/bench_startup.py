"""Start-up time and idle memory of the bot as deployed, with many registered people.

Reproduce (from the repository root):

    .venv/bin/python scripts/bench_startup.py --users 100000
    .venv/bin/python scripts/bench_startup.py --users 100000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/postgres

Seeds a database with N registered people (``scripts/bench_checkins.py``'s seeding: each
with check-ins on, two times a day, a pending check-in and a pending weekly summary), starts
one Bot API emulator in this process, then, ``--rounds`` times in turn: the bare echo bot of
``scripts/bench_load.py`` and ``python -m bot`` (``DISPATCH_INTERVAL_SECONDS=600``, so no
job runs while it is measured), each in a child process. Start-up: from starting the child
to its ``deleteWebhook``, the call just before its first ``getUpdates`` (interpreter, imports, migrations, key check, the repair pass
over everyone, the command menu). Idle: ``--idle`` seconds later, the child's resident
memory (VmRSS) and high-water mark (VmHWM), and whether matplotlib or numpy is mapped
into it (``/proc/<pid>/maps``). Medians over the rounds. ``--before DIR`` also starts, in
turn, the bot from another tree (``git archive <commit> | tar -x -C DIR``) on the same
database.
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

from scripts.bench_checkins import BENCH_KEY, seed_in_child  # noqa: E402
from scripts.bench_load import Child, LoadEmulator, spawn  # noqa: E402


def status_kib(pid: int, field_name: str) -> int:
    """One field of /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def mapped(pid: int, *names: str) -> list[str]:
    """Which of ``names`` appear among the files mapped into the process."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in names if f"/{name}/" in maps]


async def one_start(
    name: str, emu: LoadEmulator, url: str, workdir: Path, idle: float, code: str | None
) -> dict[str, object]:
    """Start one bot (from the tree ``code`` if given), wait for its first poll, idle, measure."""
    os.environ["DATA_ENCRYPTION_KEY"] = BENCH_KEY  # spawn passes this process's environment
    os.environ["DISPATCH_INTERVAL_SECONDS"] = "600"
    if code:
        os.environ["PYTHONPATH"] = code
    else:
        os.environ.pop("PYTHONPATH", None)
    seen = len(emu.requests)
    started = time.perf_counter()
    child: Child = spawn("echo" if name == "echo" else "kindbreak", emu, url, workdir)
    deadline = started + 300
    # run_polling's last call before its first getUpdates (which is recorded only when it ends)
    while not any(r.method == "deleteWebhook" for r in emu.requests[seen:]):
        if child.process.poll() is not None or time.perf_counter() > deadline:
            raise RuntimeError(f"{name} did not start; see {workdir / (name + '.log')}")
        await asyncio.sleep(0.01)
    startup = time.perf_counter() - started
    await asyncio.sleep(idle)
    pid = child.process.pid
    result: dict[str, object] = {
        "startup": startup,
        "rss": status_kib(pid, "VmRSS") / 1024,
        "hwm": status_kib(pid, "VmHWM") / 1024,
        "mapped": mapped(pid, "matplotlib", "numpy"),
    }
    child.stop()
    return result


async def run(args: argparse.Namespace) -> None:
    """Seed, then start the echo bot and Kindbreak in turn."""
    from tests.support.botapi import BotApiSpec
    from tests.support.postgres import create_database, drop_database

    workdir = Path(tempfile.mkdtemp(prefix="kindbreak-startup-"))
    if args.postgres:
        url = await create_database(args.postgres, prefix="kindbreak_bench")
    else:
        url = f"sqlite:///{workdir / 'kindbreak.sqlite3'}"
    emu = LoadEmulator(
        token="123456:AAbenchmarkTokenForTheLocalEmulator0000",
        validator=BotApiSpec.load().validate,
    )
    emu.loop = asyncio.get_running_loop()
    finished = False
    try:
        began = time.perf_counter()
        await asyncio.to_thread(seed_in_child, url, args.users)
        print(
            f"seeded {args.users} people in {time.perf_counter() - began:.0f} s ({url.split(':')[0]})"
        )
        emu.start()
        results: dict[str, list[dict[str, object]]] = {"echo": [], "kindbreak": []}
        if args.before:
            results["before"] = []
        for number in range(1, args.rounds + 1):
            for name in results:
                code = args.before if name == "before" else None
                result = await one_start(name, emu, url, workdir, args.idle, code)
                results[name].append(result)
                print(
                    f"round {number} {name:<9}: start-up {result['startup']:.2f} s, "
                    f"idle RSS {result['rss']:.0f} MiB (high-water {result['hwm']:.0f}), "
                    f"mapped: {', '.join(result['mapped']) or 'neither matplotlib nor numpy'}",  # type: ignore[arg-type]
                    flush=True,
                )
        for name, rounds in results.items():
            startup = statistics.median(float(r["startup"]) for r in rounds)  # type: ignore[arg-type]
            rss = statistics.median(float(r["rss"]) for r in rounds)  # type: ignore[arg-type]
            print(f"median {name:<9}: start-up {startup:.2f} s, idle RSS {rss:.0f} MiB")
        finished = True
    finally:
        emu.stop()
        if args.postgres:
            await drop_database(args.postgres, url)
        if finished:  # otherwise the logs are kept for reading
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000, help="registered people")
    parser.add_argument("--rounds", type=int, default=3, help="starts of each bot")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before measuring")
    parser.add_argument("--postgres", metavar="URL", help="on this PostgreSQL server instead")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="also start the bot from this tree (git archive of a commit)",
    )
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
