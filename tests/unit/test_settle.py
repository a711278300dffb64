"""Start-up's objects are set aside from garbage collection once the screen is compiled."""

from __future__ import annotations

import gc
import weakref

from bot.app import _settle
from bot.core.crisis_screen import screen_text


class _Cycle:
    """An object that only the cycle collector can free (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def test_settle_compiles_the_screen_then_freezes_what_start_up_made() -> None:
    _settle()
    # the lexicon's compiled patterns, the weights' index and every module are among them
    assert gc.get_freeze_count() > 50_000
    assert screen_text("i took all my pills an hour ago").level == "urgent"


def test_what_comes_after_start_up_is_still_collected() -> None:
    _settle()
    later = _Cycle()
    gone = weakref.ref(later)
    _settle()  # once per process: a second application built here freezes nothing more
    del later
    gc.collect()
    assert gone() is None
