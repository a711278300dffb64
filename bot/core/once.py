"""Values worked out once per process, even when first asked for by several threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

T = TypeVar("T")


def once(func: Callable[[], T]) -> Callable[[], T]:
    """``func()`` computed on the first call; later and concurrent callers get that value.

    ``functools.cache`` would let threads that ask at the same moment each compute it (the
    crisis lexicon takes about a second to compile, six times over on the six threads that
    screen messages at once just after a start).
    """
    lock = threading.Lock()
    made: list[T] = []

    @wraps(func)
    def value() -> T:
        if not made:
            with lock:
                if not made:
                    made.append(func())
        return made[0]

    return value
