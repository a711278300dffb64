"""Where a pattern's matches can start: the literals every match begins with.

An alternative such as ``(?:the )?(?:only|one) way out`` can only match where "the",
"only" or "one" begins, so instead of scanning a whole message for it, it is tried with
``match`` at those places alone (found with ``str.find``). The literals are read from the
standard library's own parse of the alternative, like its requirements.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from bot.core.crisis_screen.requirements import LONGEST, PARSER

_REPEATS = frozenset({PARSER.MAX_REPEAT, PARSER.MIN_REPEAT, PARSER.POSSESSIVE_REPEAT})
_ZERO_WIDTH = frozenset({PARSER.AT, PARSER.ASSERT, PARSER.ASSERT_NOT})


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _can_be_empty(item: tuple[Any, Any], state: Any) -> bool:
    return bool(PARSER.SubPattern(state, [item]).getwidth()[0] == 0)


def _literal_run(items: list[tuple[Any, Any]]) -> str:
    run: list[str] = []
    for op, value in items:
        if op is not PARSER.LITERAL or len(run) == LONGEST:
            break
        run.append(chr(value))
    return "".join(run)


def _first(items: list[tuple[Any, Any]], state: Any) -> set[str] | None:
    """Literals one of which every (non-empty) match of the sequence starts with, or None."""
    out: set[str] = set()
    for index, item in enumerate(items):
        op, value = item
        if op in _ZERO_WIDTH:
            continue
        if op is PARSER.LITERAL:
            return out | {_literal_run(items[index:])}
        if op is PARSER.SUBPATTERN and not value[1] and not value[2]:
            found = _first(list(value[3]), state)
        elif op is PARSER.ATOMIC_GROUP:
            found = _first(list(value), state)
        elif op in _REPEATS:
            found = _first(list(value[2]), state)
        elif op is PARSER.BRANCH:
            branches = [_first(list(body), state) for body in value[1]]
            found = None if None in branches else set().union(*(b for b in branches if b))
        else:
            return None
        if found is None:
            return None
        out |= found
        if not _can_be_empty(item, state):
            return out
    return None


def first_literals(source: str) -> tuple[str, ...] | None:
    """The shortest set of literals every match of ``source`` starts with (None if unknown).

    Each begins with a word character, so a match after a word boundary begins a word.
    """
    parsed = PARSER.parse(source)
    if parsed.state.flags & ~PARSER.SRE_FLAG_UNICODE:
        return None
    found = _first(list(parsed.data), parsed.state)
    if not found or not all(literal and _is_word(literal[0]) for literal in found):
        return None
    # a literal that begins with another one adds no place to try
    return tuple(sorted(a for a in found if not any(b != a and a.startswith(b) for b in found)))


@dataclass(frozen=True)
class Passages:
    """Passages joined by newlines (which no lexicon pattern matches), with their spans."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    spaced: bool  # every word that follows a non-word character follows a space or newline

    @classmethod
    def of(cls, passages: list[str], spaced: bool) -> Passages:
        """The passages as one text."""
        starts, ends, position = [], [], 0
        for passage in passages:
            starts.append(position)
            position += len(passage)
            ends.append(position)
            position += 1
        return cls("\n".join(passages), tuple(starts), tuple(ends), spaced)

    def index(self, position: int) -> int:
        """The number of the passage holding a position."""
        return bisect_right(self.starts, position) - 1

    def end(self, position: int) -> int:
        """Where the passage holding a position ends."""
        return self.ends[bisect_right(self.starts, position) - 1]

    def places(self, literals: tuple[str, ...]) -> list[int]:
        """Where a word beginning with one of the literals begins (and, unless ``spaced``,
        every other place one of them occurs)."""
        text, find = self.text, self.text.find
        found: list[int] = []
        for literal in literals:
            if self.spaced:
                if text.startswith(literal):
                    found.append(0)
                for needle in (" " + literal, "\n" + literal):
                    at = find(needle)
                    while at >= 0:
                        found.append(at + 1)
                        at = find(needle, at + 1)
            else:
                at = find(literal)
                while at >= 0:
                    found.append(at)
                    at = find(literal, at + 1)
        if len(literals) > 1:
            found = sorted(set(found))
        else:
            found.sort()
        return found
