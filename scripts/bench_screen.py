"""Per-call time of the crisis screen, against str.casefold + one re.search on the same text.

.venv/bin/python scripts/bench_screen.py

"varied" rows are 4,096 characters of different training messages: every word and passage
is new to the caches, as in a real long message.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.crisis_screen import screen_text

SHORT = [
    "had a long day at work, feeling a bit flat",
    "I want to kill myself",
    "this deadline is killing me lol",
    "my friend just took a bunch of pills what do i do",
    "I'd never hurt myself but I have been cutting again",
    "small win: went for a walk and cooked dinner",
]
PARAGRAPH = (
    "Work was long today and the train was late again, so I got home tired and a bit low. "
    "My sister called about the weekend, we argued about who hosts, and then I made pasta. "
    "I keep thinking I should sleep earlier but I end up scrolling until one in the morning. "
)
LONG = (PARAGRAPH * 20)[:4096]
LONG_RISKY = (PARAGRAPH * 10 + "honestly i dont want to be here anymore. " + PARAGRAPH * 10)[:4096]
CORPUS = Path(__file__).resolve().parents[1] / "tests/data/crisis_corpus"


def varied(count: int, seed: int = 1) -> list[str]:
    """4,096-character messages made of different training messages each (few repeats, so
    the per-word caches help little: closer to a real long message than one paragraph)."""
    pool = [
        json.loads(line)["text"]
        for name in ("train_g.jsonl", "train_m.jsonl")
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()
    ]
    rng, out = random.Random(seed), []
    for _ in range(count):
        text = ""
        while len(text) < 4096:
            text += rng.choice(pool) + " "
        out.append(text[:4096])
    return out


_BASELINE = re.compile(r"\bsuicid\w*")


def baseline(text: str) -> object:
    """What a single keyword regex costs: case folding and one search."""
    return _BASELINE.search(text.casefold())


def _times(function: Callable[[str], object], texts: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter_ns()
            function(text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def _row(name: str, texts: list[str], rounds: int) -> None:
    screen, base = _times(screen_text, texts, rounds), _times(baseline, texts, rounds)
    median, base_median = statistics.median(screen), statistics.median(base)
    p99 = statistics.quantiles(screen, n=100)[98]
    base_p99 = statistics.quantiles(base, n=100)[98]
    print(
        f"{name:24} median {median:8.1f} µs  p99 {p99:8.1f} µs  |  baseline median "
        f"{base_median:6.1f} µs  p99 {base_p99:6.1f} µs  |  ratio {median / base_median:6.1f}×"
    )


def main() -> None:
    """Print per-call figures for short and 4,096-character messages."""
    start = time.perf_counter()
    screen_text("warm up")
    print(
        f"first call (loads and compiles the lexicon): {(time.perf_counter() - start) * 1000:.0f} ms"
    )
    _row("short messages", SHORT, 500)
    _row("4,096 chars, ordinary", [LONG], 500)
    _row("4,096 chars, one risk", [LONG_RISKY], 500)
    _row("4,096 chars, varied", varied(50), 10)


if __name__ == "__main__":
    main()
