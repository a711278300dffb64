"""A value worked out once, even when several threads ask for it at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.core.once import once

THREADS = 8
OVERLAP = 0.3  # seconds the first computation waits for others to join it (none should)


def test_threads_asking_at_once_share_one_computation() -> None:
    made: list[int] = []
    joined = threading.Condition()
    all_asking = threading.Barrier(THREADS)

    @once
    def slow() -> object:
        with joined:
            made.append(1)
            joined.notify_all()
            # a second computation would start while this one waits: wait for it to show
            joined.wait_for(lambda: len(made) == THREADS, timeout=OVERLAP)
        return object()

    def ask() -> object:
        all_asking.wait(10)
        return slow()

    with ThreadPoolExecutor(THREADS) as pool:
        values = [f.result(10) for f in [pool.submit(ask) for _ in range(THREADS)]]
    assert len(made) == 1
    assert all(v is values[0] for v in values)
    assert slow() is values[0]  # and later callers too
