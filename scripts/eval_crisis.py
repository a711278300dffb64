#!/usr/bin/env python3
"""Recall and false alarms of the crisis screen on the labelled corpus, per kind and split.

    .venv/bin/python scripts/eval_crisis.py              # dev, train, test and blind
    .venv/bin/python scripts/eval_crisis.py --show dev   # also list dev misses and false alarms

``dev`` and ``train`` are what the screen was tuned and trained on; ``test`` and ``blind``
(written separately, by other hands) never were: only their figures say how it generalises.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.crisis_screen import Level, screen_text
from tests.support.crisis_corpus import Item, split


def _table(title: str, counts: dict[str, list[int]]) -> tuple[int, int]:
    print(title)
    for kind, (hit, total) in sorted(counts.items()):
        print(f"  {kind:18} {hit:4}/{total:<4} {hit / total:6.1%}")
    hit, total = sum(h for h, _ in counts.values()), sum(t for _, t in counts.values())
    print(f"  {'overall':18} {hit:4}/{total:<4} {hit / max(total, 1):6.1%}")
    return hit, total


def report(name: str, items: list[Item], show: bool) -> None:
    """Print one split's figures."""
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    fired: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    urgent, wrong = [0, 0], []
    for item in items:
        screen = screen_text(item.text)
        counts = caught if item.crisis else fired
        counts[item.kind][0] += bool(screen)
        counts[item.kind][1] += 1
        if bool(screen) != item.crisis:
            wrong.append((item, ",".join(sorted(screen.categories))))
        if item.level == "urgent":
            urgent[0] += screen.level is Level.URGENT
            urgent[1] += 1
    print(f"== {name}")
    _table("crisis messages caught, per kind:", caught)
    print(f"  urgent-labelled screened URGENT: {urgent[0]}/{urgent[1]}")
    _table("safe messages fired on, per kind:", fired)
    if show:
        for item, categories in wrong:
            print(
                f"  [{'miss' if item.crisis else 'alarm'} {item.kind}] ({categories}) {item.text}"
            )


def main() -> None:
    """Print the figures of every split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show", choices=["dev", "train", "fresh"], help="list misses and false alarms"
    )
    args = parser.parse_args()
    for name in (
        "dev",
        "train",
        "test",
        "blind",
        "pairs",
        "personas",
        "fresh",
        "answers",
        "fresh2",
    ):
        items = split(name)
        if items:
            report(name, items, show=args.show == name)


if __name__ == "__main__":
    main()
