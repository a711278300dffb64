"""Charts in worker processes: the same PNG as in this process, the pool started lazily."""

from __future__ import annotations

import pickle
import sys
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.ui.charts import render_chart
from bot.ui.summary import CHART_MODULES, draw_chart
from bot.workers import ProcessPool, default_workers
from tests.ui.test_charts import week_data


def test_chart_data_is_plain_picklable_data() -> None:
    data = week_data()
    assert pickle.loads(pickle.dumps(data)) == data


def test_default_workers_is_the_cores_this_process_may_use() -> None:
    assert ProcessPool().workers == default_workers() >= 1


async def test_a_worker_process_draws_the_same_png_as_this_process() -> None:
    data = week_data()
    pool = ProcessPool(workers=1, preload=CHART_MODULES)
    assert not pool.started  # no process before the first chart
    try:
        drawn = await pool.run(draw_chart, data)
        assert pool.started
        again = await pool.run(draw_chart, data)
    finally:
        await pool.shutdown()
    assert drawn == again == render_chart(data)
    assert not pool.started


async def test_no_workers_draws_in_a_thread_of_this_process() -> None:
    data = week_data()
    pool = ProcessPool(workers=0)
    assert await pool.run(draw_chart, data) == render_chart(data)
    assert not pool.started
    await pool.shutdown()
    assert "matplotlib" in sys.modules


async def test_a_killed_worker_fails_one_chart_and_the_next_starts_afresh() -> None:
    data = week_data()
    pool = ProcessPool(workers=1)
    try:
        await pool.run(draw_chart, data)
        assert pool._executor is not None
        for process in pool._executor._processes.values():
            process.kill()
        with pytest.raises(BrokenProcessPool):
            await pool.run(draw_chart, data)
        assert not pool.started
        assert await pool.run(draw_chart, data) == render_chart(data)
    finally:
        await pool.shutdown()
