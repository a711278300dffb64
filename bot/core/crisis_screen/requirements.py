"""What every match of a pattern must contain: literal requirements, read from its parse.

The parser behind ``re.compile`` turns an alternative into a sequence; each literal run in
it that every match passes through is a requirement, and an alternation gives one
requirement made of one literal per branch. A literal that must start (end) at a word
boundary is marked with ``EDGE`` before (after) it.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

# The parser behind ``re.compile`` (private, but part of every CPython since 3.11).
_PARSER: Any = importlib.import_module("re._parser")
PARSER: Any = _PARSER
_REPEATS = frozenset({_PARSER.MAX_REPEAT, _PARSER.MIN_REPEAT, _PARSER.POSSESSIVE_REPEAT})
_ZERO_WIDTH = frozenset({_PARSER.AT, _PARSER.ASSERT, _PARSER.ASSERT_NOT})
EDGE = "\x00"
LONGEST = 8  # longer literals are cut to their first characters (still required)
# Words so common that a requirement made only of them selects almost nothing.
COMMON = frozenset(
    [
        "i",
        "im",
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
        "been",
        "so",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "my",
        "me",
        "you",
        "not",
        "no",
        "do",
        "dont",
        "go",
        "get",
        "got",
        "can",
        "all",
        "one",
        "this",
        "that",
        "just",
    ]
)

Requirement = frozenset[str]


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _mark(literal: str, start: bool, end: bool) -> str:
    start = start and _is_word(literal[0])
    end = end and _is_word(literal[-1]) and len(literal) <= LONGEST
    return EDGE * start + literal[:LONGEST] + EDGE * end


def _score(requirement: Requirement) -> tuple[int, int]:
    def one(literal: str) -> int:
        core = literal.strip(EDGE)
        return len(core) + 2 * (len(literal) - len(core)) - 6 * (core in COMMON)

    return min(map(one, requirement)), -len(requirement)


def _best(requirements: list[Requirement]) -> Requirement | None:
    return max(requirements, key=_score) if requirements else None


def _boundary(item: tuple[Any, Any]) -> bool:
    return item[0] is _PARSER.AT and item[1] is _PARSER.AT_BOUNDARY


def _edges(items: list[tuple[Any, Any]], start: bool, end: bool) -> list[tuple[bool, bool]]:
    """Per item: whether a word boundary must come right before it, and right after it."""
    before, state = [], start
    for item in items:
        before.append(state)
        state = _boundary(item) or (state and item[0] in _ZERO_WIDTH)
    after, state = [], end
    for item in reversed(items):
        after.append(state)
        state = _boundary(item) or (state and item[0] in _ZERO_WIDTH)
    return list(zip(before, reversed(after), strict=True))


def requirements(items: Any, start: bool = False, end: bool = False) -> list[Requirement]:
    """Sets of literals such that every match of the parsed sequence contains one of each."""
    found: list[Requirement] = []
    items = list(items)
    edges = _edges(items, start, end)
    run: list[str] = []
    run_start = False
    for index, (op, value) in enumerate(items):
        at_start, at_end = edges[index]
        if op is _PARSER.LITERAL:
            run_start = run_start if run else at_start
            run.append(chr(value))
            if index + 1 == len(items) or items[index + 1][0] is not _PARSER.LITERAL:
                found.append(frozenset([_mark("".join(run), run_start, at_end)]))
                run = []
        elif op is _PARSER.SUBPATTERN and not value[1] & re.IGNORECASE:
            found += requirements(value[3], at_start, at_end)
        elif op is _PARSER.ATOMIC_GROUP:
            found += requirements(value, at_start, at_end)
        elif op in _REPEATS and value[0] >= 1:
            single = value[1] == 1
            found += requirements(value[2], at_start and single, at_end and single)
        elif op is _PARSER.BRANCH:
            options = [_best(requirements(body, at_start, at_end)) for body in value[1]]
            if all(options):
                found.append(frozenset().union(*(o for o in options if o)))
    return found


@dataclass(frozen=True)
class Alternative:
    """One alternative of a pattern: its source and what every match of it contains."""

    source: str
    key: Requirement | None
    needs: tuple[Requirement, ...]


def alternative(source: str, end: bool) -> Alternative:
    """An alternative that follows a word boundary (and, if ``end``, comes before one)."""
    parsed = _PARSER.parse(source)
    if parsed.state.flags & re.IGNORECASE:
        return Alternative(source, None, ())
    found = requirements(parsed.data, start=True, end=end)
    key = _best(found)
    return Alternative(source, key, tuple(r for r in found if r is not key))
