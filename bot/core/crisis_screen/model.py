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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

WEIGHTS_FILE = Path(__file__).parent / "weights.json"
HEADS = ("crisis", "urgent", "others", "someone_else")
_WORD = re.compile(r"[a-z0-9]+")
_CHAR_SIZES = (3, 4, 5)
_LISTED_WEIGHT = 3  # a lexicon category counts as often as this
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
        if word in _COMMON:
            continue  # alone, "i" or "think" says nothing; in a pair ("i think") it may
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


@cache
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
    sums = [0.0] * len(HEADS)
    norm = 0.0
    table = model.table
    for feature, count in Counter(features(normalised, listed)).items():
        row = table.get(feature)
        if row is None:
            continue
        value = (1.0 + math.log(count)) * row[0]
        norm += value * value
        for head in range(len(HEADS)):
            sums[head] += value * row[head + 1]
    scale = 1.0 / max(math.sqrt(norm), model.floor)
    return tuple(
        1.0 / (1.0 + math.exp(-(total * scale + bias)))
        for total, bias in zip(sums, model.intercepts, strict=True)
    )


def verdict(normalised: str, listed: Iterable[str] = ()) -> dict[str, bool]:
    """Which heads pass their threshold for one normalised message."""
    model = load_model()
    found = scores(normalised, listed, model)
    return {
        head: p >= threshold
        for head, p, threshold in zip(HEADS, found, model.thresholds, strict=True)
    }
