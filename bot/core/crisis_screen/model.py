"""The learned half of the screen: a linear model over word and letter n-grams.

Trained by ``scripts/train_crisis_model.py`` on the labelled corpus in
``tests/data/crisis_corpus/`` (logistic regression, one weight per n-gram and head) and
shipped as ``weights.json`` beside this module. Scoring is plain Python: the message's
n-grams are counted, weighted by tf-idf, normalised, and summed against each head's
weights. It generalises to indirect wording the lexicon cannot list ("gave my guitar to
my brother, won't need it") while the lexicon keeps the well-known phrases certain.
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from bot.core.once import once

WEIGHTS_FILE = Path(__file__).parent / "weights.json"
HEADS = ("crisis", "urgent", "others", "someone_else")
_WORD = re.compile(r"[a-z0-9]+")
_CHAR_SIZES = (3, 4, 5)
_LISTED_WEIGHT = 3  # a lexicon category counts as often as this
_WORD_CACHE = 1 << 16  # words whose features are kept
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
class Columns:
    """Per n-gram number: its idf and its weight for each head (C arrays of doubles)."""

    idf: array[float]
    crisis: array[float]
    urgent: array[float]
    others: array[float]
    someone_else: array[float]


@dataclass(frozen=True)
class Model:
    """Numbered n-grams with their idf and weights; per head an intercept and a threshold.

    ``floor`` is the least length a message's tf-idf vector is divided by: a reply of two
    words ("i think so") is not blown up to the weight of a paragraph, so evidence has to
    add up before the model speaks.
    """

    ids: dict[str, int]
    columns: Columns
    intercepts: tuple[float, ...]
    thresholds: tuple[float, ...]
    floor: float
    _words: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def feature_ids(self, normalised: str, listed: Iterable[str] = ()) -> list[int]:
        """The numbers of ``features`` that have weights, in the same order (cached per word)."""
        ids, words_seen = self.ids, self._words
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


def pack(values: Iterable[float]) -> str:
    """A column as the weights file stores it: little-endian doubles, base64."""
    column = array("d", values)
    if sys.byteorder == "big":
        column.byteswap()
    return base64.b64encode(column.tobytes()).decode("ascii")


def _unpack(packed: str, size: int) -> array[float]:
    column = array("d")
    column.frombytes(base64.b64decode(packed))
    if sys.byteorder == "big":
        column.byteswap()
    if len(column) != size:
        raise ValueError(f"crisis model column of {len(column)} weights, expected {size}")
    return column


@once
def load_model() -> Model:
    """The shipped weights (read once, then cached).

    The file holds the n-grams as one string and each column as packed doubles, so loading
    makes no Python object per weight (as a table of lists did, 28 MiB of them).
    """
    with WEIGHTS_FILE.open(encoding="utf-8") as fh:
        raw = cast(dict[str, Any], json.load(fh))
    if tuple(raw["heads"]) != HEADS:
        raise ValueError(f"crisis model heads {raw['heads']!r}, expected {HEADS!r}")
    names = cast(str, raw["features"]).split("\n")
    packed = cast(dict[str, str], raw["columns"])
    columns = Columns(*(_unpack(packed[name], len(names)) for name in ("idf", *HEADS)))
    return Model(
        ids={name: number for number, name in enumerate(names)},
        columns=columns,
        intercepts=tuple(raw["intercepts"]),
        thresholds=tuple(raw["thresholds"]),
        floor=float(raw["floor"]),
    )


def scores(
    normalised: str, listed: Iterable[str] = (), model: Model | None = None
) -> tuple[float, ...]:
    """The probability of each head for one normalised message."""
    model = model or load_model()
    columns, log = model.columns, math.log
    norm = crisis = urgent = others = someone_else = 0.0
    # the same sums in the same order as one loop over the heads would make
    for number, count in Counter(model.feature_ids(normalised, listed)).items():
        value = (1.0 + log(count)) * columns.idf[number]
        norm += value * value
        crisis += value * columns.crisis[number]
        urgent += value * columns.urgent[number]
        others += value * columns.others[number]
        someone_else += value * columns.someone_else[number]
    scale = 1.0 / max(math.sqrt(norm), model.floor)
    return tuple(
        1.0 / (1.0 + math.exp(-(total * scale + bias)))
        for total, bias in zip(
            (crisis, urgent, others, someone_else), model.intercepts, strict=True
        )
    )
