"""Recall and false-positive rate of the crisis screen on the labelled corpus, per kind.

.venv/bin/python scripts/eval_crisis.py            # figures for dev and test
.venv/bin/python scripts/eval_crisis.py --show dev # also list dev misses and false alarms
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.core.crisis_screen import Level, screen_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "crisis_corpus"


@dataclass(frozen=True)
class Item:
    """One labelled message."""

    text: str
    kind: str
    level: str
    split: str


def load(name: str) -> list[Item]:
    """The items of crisis.jsonl or safe.jsonl."""
    with (CORPUS / f"{name}.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [Item(r["text"], r["kind"], r["level"], r["split"]) for r in rows]


def _report(split: str, crisis: list[Item], safe: list[Item], show: bool) -> None:
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    urgent = [0, 0]
    misses: list[Item] = []
    for item in (i for i in crisis if i.split == split):
        screen = screen_text(item.text)
        hits[item.kind][0] += bool(screen)
        hits[item.kind][1] += 1
        if not screen:
            misses.append(item)
        if item.level == "urgent":
            urgent[0] += screen.level is Level.URGENT
            urgent[1] += 1
    alarms: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_alarms: list[tuple[Item, str]] = []
    for item in (i for i in safe if i.split == split):
        screen = screen_text(item.text)
        alarms[item.kind][0] += bool(screen)
        alarms[item.kind][1] += 1
        if screen:
            false_alarms.append((item, ",".join(sorted(screen.categories))))
    print(f"== {split}")
    print("crisis recall per kind:")
    for kind, (hit, total) in sorted(hits.items()):
        print(f"  {kind:16} {hit:3}/{total:<3} {hit / total:6.1%}")
    caught, total = sum(h for h, _ in hits.values()), sum(t for _, t in hits.values())
    print(f"  {'overall':16} {caught:3}/{total:<3} {caught / max(total, 1):6.1%}")
    print(f"  urgent-labelled screened URGENT: {urgent[0]}/{urgent[1]}")
    print("safe false positives per kind:")
    for kind, (fired, total) in sorted(alarms.items()):
        print(f"  {kind:16} {fired:3}/{total:<3} {fired / total:6.1%}")
    fired, total = sum(f for f, _ in alarms.values()), sum(t for _, t in alarms.values())
    print(f"  {'overall':16} {fired:3}/{total:<3} {fired / max(total, 1):6.1%}")
    if show:
        print("-- misses")
        for item in misses:
            print(f"  [{item.kind}/{item.level}] {item.text}")
        print("-- false alarms")
        for item, categories in false_alarms:
            print(f"  [{item.kind}] ({categories}) {item.text}")


def main() -> None:
    """Print the figures; list dev misses and false alarms with --show dev."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", choices=["dev"], help="list the misses and false alarms")
    args = parser.parse_args()
    crisis, safe = load("crisis"), load("safe")
    for split in ("dev", "test"):
        _report(split, crisis, safe, show=args.show == split)


if __name__ == "__main__":
    main()
