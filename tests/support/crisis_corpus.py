"""The labelled crisis corpus: which messages are trained on and which are held out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "crisis_corpus"
# never trained on: the test split of the first two files, and the sets written by other hands
HELD_OUT = ("test", "blind", "pairs", "personas", "fresh", "answers", "fresh2")


@dataclass(frozen=True)
class Item:
    """One labelled message."""

    text: str
    crisis: bool
    kind: str
    level: str
    split: str


def load_file(path: Path) -> list[Item]:
    """One corpus file; crisis.jsonl and safe.jsonl carry their label in their name."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        label = row.get("label", "crisis" if path.stem == "crisis" else "safe")
        items.append(Item(row["text"], label == "crisis", row["kind"], row["level"], row["split"]))
    return items


def load_corpus() -> list[Item]:
    """Every labelled message: crisis.jsonl, safe.jsonl, blind.jsonl and the train_* files."""
    return [item for path in sorted(CORPUS.glob("*.jsonl")) for item in load_file(path)]


def split(name: str) -> list[Item]:
    """The messages of one split: dev and train (learned from), test, blind, pairs, personas."""
    return [item for item in load_corpus() if item.split == name]
