"""Drawing charts in worker processes, so summaries scale with cores and never hold the GIL.

A ``ChartPool`` makes its ``ProcessPoolExecutor`` on the first chart and not before (no
process is started for a bot that never draws one). Workers are started with ``spawn``:
the drawing function and its input (``ChartData``, plain values) are pickled, nothing of the
running bot is inherited. ``workers=0`` draws in a worker thread of this process instead.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.ui.chart_data import ChartData


def draw_chart(chart: ChartData) -> bytes:
    """The chart as a PNG (blocking: runs in a worker process or thread)."""
    # matplotlib and numpy take about 40 MB: imported when the first chart is drawn, not before
    from bot.ui.charts import render_chart

    return render_chart(chart)


def _warm_up() -> None:
    """Import the drawing code once per worker process, before its first chart."""
    import bot.ui.charts  # noqa: F401


def default_workers() -> int:
    """One worker process per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class ChartPool:
    """Draws charts in up to ``workers`` processes (0: in a thread of this process)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else workers
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether the worker processes have been asked for (on the first chart)."""
        return self._executor is not None

    async def draw(self, chart: ChartData) -> bytes:
        """The chart as a PNG, drawn without blocking the event loop."""
        if self.workers == 0:
            return await asyncio.to_thread(draw_chart, chart)
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
            )
        executor = self._executor
        try:
            return await asyncio.get_running_loop().run_in_executor(executor, draw_chart, chart)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the next chart starts fresh workers
            if self._executor is executor:
                self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise

    async def shutdown(self) -> None:
        """Stop the worker processes (charts still being drawn are finished first)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
