"""The learned half of the screen: a linear model over word and letter n-grams.

Trained by ``scripts/train_crisis_model.py`` on the labelled corpus in
``tests/data/crisis_corpus/`` (logistic regression, one weight per n-gram and head) and
shipped as ``weights.json`` beside this module. Scoring is plain Python: the message's
n-grams are counted, weighted by tf-idf, normalised, and summed against each head's
weights. It generalises to indirect wording the lexicon cannot list ("gave my guitar to
my brother, won't need it") while the lexicon keeps the well-known phrases certain.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from operator import itemgetter, mul
from pathlib import Path
from typing import Any, cast

from bot.core.once import once

WEIGHTS_FILE = Path(__file__).parent / "weights.json"
HEADS = ("crisis", "urgent", "others", "someone_else")
_WORD = re.compile(r"[a-z0-9]+")
_CHAR_SIZES = (3, 4, 5)
_LISTED_WEIGHT = 3  # a lexicon category counts as often as this
_WORD_CACHE = 1 << 16  # words whose features are kept
# A fast score this close to a threshold is recomputed in the reference order (the fast
# sums differ from it by rounding only, many orders of magnitude below this).
_MARGIN = 1e-9
_COUNTED = 4096  # counts of one n-gram in a passage below this are looked up, not computed
# words too common to count alone (they still count in word pairs)
_COMMON = frozenset(
    [
        "i",
        "me",
        "my",
        "im",
        "ive",
        "id",
        "ill",
        "a",
        "an",
        "the",
        "to",
        "and",
        "or",
        "but",
        "it",
        "its",
        "is",
        "was",
        "be",
        "so",
        "just",
        "that",
        "this",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "you",
        "your",
        "we",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "do",
        "dont",
        "did",
        "not",
        "no",
        "yes",
        "am",
        "are",
        "have",
        "has",
        "had",
        "can",
        "cant",
        "get",
        "got",
        "think",
        "really",
        "very",
        "pretty",
    ]
)


def features(normalised: str, listed: Iterable[str] = ()) -> Iterator[str]:
    """The n-grams of normalised text (words, word pairs, letter runs within words).

    The lexicon's categories found in the text come too, so the model learns how far to
    trust each list (an "attempt" match much more than a "vague" one).
    """
    for signal in listed:
        yield from ("r " + signal,) * _LISTED_WEIGHT
    words = _WORD.findall(normalised)
    for index, word in enumerate(words):
        if index:
            yield "b " + words[index - 1] + " " + word
        yield from _word_features(word)


def _word_features(word: str) -> Iterator[str]:
    """The features of one word on its own: the word and its letter runs."""
    if word in _COMMON:
        return  # alone, "i" or "think" says nothing; in a pair ("i think") it may
    yield "w " + word
    padded = f" {word} "
    for size in _CHAR_SIZES:
        if len(padded) < size:
            break
        for start in range(len(padded) - size + 1):
            yield "c " + padded[start : start + size]


@dataclass(frozen=True)
class Model:
    """Per n-gram: its idf and one weight per head; per head an intercept and a threshold.

    ``floor`` is the least length a message's tf-idf vector is divided by: a reply of two
    words ("i think so") is not blown up to the weight of a paragraph, so evidence has to
    add up before the model speaks.
    """

    table: dict[str, list[float]]
    intercepts: tuple[float, ...]
    thresholds: tuple[float, ...]
    floor: float
    _words: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def known_features(self, normalised: str, listed: Iterable[str] = ()) -> list[str]:
        """``features`` restricted to those with weights, in the same order (cached per word)."""
        table, words_seen = self.table, self._words
        out = [
            f for signal in listed if (f := "r " + signal) in table for _ in range(_LISTED_WEIGHT)
        ]
        previous = None
        for word in _WORD.findall(normalised):
            if previous is not None and (pair := "b " + previous + " " + word) in table:
                out.append(pair)
            previous = word
            own = words_seen.get(word)
            if own is None:
                own = tuple(f for f in _word_features(word) if f in table)
                if len(words_seen) >= _WORD_CACHE:
                    words_seen.clear()
                words_seen[word] = own
            out += own
        return out

    @cached_property
    def columns(self) -> _Columns:
        """The table as numbered columns (built on first use)."""
        ids = {feature: number for number, feature in enumerate(self.table)}
        idf, crisis, urgent, others, someone_else = zip(*self.table.values(), strict=True)
        return _Columns(ids, idf, crisis, urgent, others, someone_else)

    def feature_ids(self, normalised: str, listed: Iterable[str] = ()) -> list[int]:
        """``known_features`` as column numbers, in the same order."""
        columns = self.columns
        ids, words_seen = columns.ids, columns.words
        out = [
            i
            for signal in listed
            if (i := ids.get("r " + signal)) is not None
            for _ in range(_LISTED_WEIGHT)
        ]
        previous = None
        for word in _WORD.findall(normalised):
            if previous is not None and (pair := ids.get("b " + previous + " " + word)) is not None:
                out.append(pair)
            previous = word
            own = words_seen.get(word)
            if own is None:
                own = tuple(ids[f] for f in _word_features(word) if f in ids)
                if len(words_seen) >= _WORD_CACHE:
                    words_seen.clear()
                words_seen[word] = own
            out += own
        return out


@dataclass(frozen=True)
class _Columns:
    """Per feature number: its idf and its weight for each head."""

    ids: dict[str, int]
    idf: tuple[float, ...]
    crisis: tuple[float, ...]
    urgent: tuple[float, ...]
    others: tuple[float, ...]
    someone_else: tuple[float, ...]
    words: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)


@once
def load_model() -> Model:
    """The shipped weights (read once, then cached)."""
    with WEIGHTS_FILE.open(encoding="utf-8") as fh:
        raw = cast(dict[str, Any], json.load(fh))
    if tuple(raw["heads"]) != HEADS:
        raise ValueError(f"crisis model heads {raw['heads']!r}, expected {HEADS!r}")
    return Model(
        table=cast(dict[str, list[float]], raw["table"]),
        intercepts=tuple(raw["intercepts"]),
        thresholds=tuple(raw["thresholds"]),
        floor=float(raw["floor"]),
    )


def scores(
    normalised: str, listed: Iterable[str] = (), model: Model | None = None
) -> tuple[float, ...]:
    """The probability of each head for one normalised message."""
    model = model or load_model()
    table, log = model.table, math.log
    norm = crisis = urgent = others = someone_else = 0.0
    # the same sums in the same order as one loop over the heads would make
    for feature, count in Counter(model.known_features(normalised, listed)).items():
        idf, w_crisis, w_urgent, w_others, w_someone_else = table[feature]
        value = (1.0 + log(count)) * idf
        norm += value * value
        crisis += value * w_crisis
        urgent += value * w_urgent
        others += value * w_others
        someone_else += value * w_someone_else
    scale = 1.0 / max(math.sqrt(norm), model.floor)
    return tuple(
        1.0 / (1.0 + math.exp(-(total * scale + bias)))
        for total, bias in zip(
            (crisis, urgent, others, someone_else), model.intercepts, strict=True
        )
    )


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
