"""The bot runs on uvloop where it is installed."""

from __future__ import annotations

import asyncio

import pytest

from bot.__main__ import _event_loop


def test_the_bot_runs_on_uvloop_where_it_is_installed() -> None:
    uvloop = pytest.importorskip("uvloop")  # not built for Windows
    before = asyncio.get_event_loop_policy()
    try:
        _event_loop()
        loop = asyncio.new_event_loop()
        try:
            assert isinstance(loop, uvloop.Loop)
        finally:
            loop.close()
    finally:
        asyncio.set_event_loop_policy(before)
