"""A pool of worker processes for CPU-bound work (charts), so it never holds the GIL.

A ``ProcessPool`` makes its ``ProcessPoolExecutor`` on the first call and not before (no
process is started for a bot that never needs one). Workers are started with ``spawn``:
the function and its argument are pickled (plain data only), nothing of the running bot is
inherited. ``workers=0`` runs the function in a thread of this process instead.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Arg = TypeVar("Arg")
Result = TypeVar("Result")


def _preload(modules: Sequence[str]) -> None:
    """Import what the work needs once per worker process, before its first task."""
    for name in modules:
        importlib.import_module(name)


def default_workers() -> int:
    """One worker process per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ProcessPool:
    """Runs functions in up to ``workers`` processes (0: in a thread of this process)."""

    def __init__(self, workers: int | None = None, *, preload: Sequence[str] = ()) -> None:
        self.workers = default_workers() if workers is None else workers
        self._preload = tuple(preload)
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether the worker processes have been asked for (on the first call)."""
        return self._executor is not None

    async def run(self, func: Callable[[Arg], Result], arg: Arg) -> Result:
        """``func(arg)`` in a worker, without blocking the event loop."""
        if self.workers == 0:
            return await asyncio.to_thread(func, arg)
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_preload,
                initargs=(self._preload,),
            )
        executor = self._executor
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, func, arg)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the next call starts fresh workers
            if self._executor is executor:
                self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise

    async def shutdown(self) -> None:
        """Stop the worker processes (work under way is finished first)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
