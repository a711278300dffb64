"""The model's decision: which heads pass their thresholds for one passage.

The sums are taken in C (``itemgetter``, ``map``, ``sum``); a score within ``_MARGIN`` of a
threshold is recomputed by ``scores`` in the reference order, so the decision is exactly
that of the reference.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import cache
from operator import itemgetter, mul

from bot.core.crisis_screen.model import HEADS, Model, load_model, scores

# A fast score this close to a threshold is recomputed in the reference order (the fast
# sums differ from it by rounding only, many orders of magnitude below this).
_MARGIN = 1e-9
_COUNTED = 4096  # counts of one n-gram in a passage below this are looked up, not computed


def verdict(
    normalised: str, listed: Iterable[str] = (), every_head: bool = True
) -> dict[str, bool]:
    """Which heads pass their threshold for one normalised message.

    Without ``every_head``, the other heads are only weighed when the crisis head passes
    (and reported as not passing otherwise).
    """
    model = load_model()
    listed = tuple(listed)
    fast = _fast_verdict(model, normalised, listed, every_head)
    if fast is not None:
        return fast
    found = scores(normalised, listed, model)
    return {
        head: p >= threshold
        for head, p, threshold in zip(HEADS, found, model.thresholds, strict=True)
    }


@cache
def _tf() -> tuple[float, ...]:
    """1.0 + log(count) for each count below ``_COUNTED`` (index 0 unused)."""
    return (0.0, *(1.0 + math.log(count) for count in range(1, _COUNTED)))


def _fast_verdict(
    model: Model, normalised: str, listed: tuple[str, ...], every_head: bool
) -> dict[str, bool] | None:
    """``verdict`` from sums taken in C, or None if a head is within ``_MARGIN`` of its threshold.

    The terms and their order are those of ``scores``; ``sum`` may round differently
    (it compensates since Python 3.12), by far less than ``_MARGIN``.
    """
    columns = model.columns
    counts = Counter(model.feature_ids(normalised, listed))
    if len(counts) < 2 or max(counts.values()) >= _COUNTED:
        return None  # the reference loop is quick for these, and exact
    # itemgetter picks many entries in one call; _tf(c) is the very float 1.0 + log(c)
    pick = itemgetter(*counts)
    values = list(map(mul, itemgetter(*counts.values())(_tf()), pick(columns.idf)))
    scale = 1.0 / max(math.sqrt(sum(map(mul, values, values))), model.floor)
    weights = (columns.crisis, columns.urgent, columns.others, columns.someone_else)
    out = dict.fromkeys(HEADS, False)
    for head, column, bias, threshold in zip(
        HEADS, weights, model.intercepts, model.thresholds, strict=True
    ):
        total = sum(map(mul, values, pick(column)))
        p = 1.0 / (1.0 + math.exp(-(total * scale + bias)))
        if abs(p - threshold) <= _MARGIN:
            return None
        out[head] = p >= threshold
        if not (every_head or out["crisis"]):
            break
    return out
