"""Where a pattern's matches can start: the literals every match begins with.

An alternative such as ``(?:the )?(?:only|one) way out`` can only match where "the",
"only" or "one" begins, so instead of scanning a whole message for it, it is tried with
``match`` at those places alone (found with ``str.find``). The literals are read from the
standard library's own parse of the alternative, like its requirements.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, chain, compress
from typing import Any, Protocol

from bot.core.crisis_screen.requirements import COMMON, EDGE, LONGEST, PARSER, requirements

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
    """Literals one of which every (non-empty) match of the sequence starts with, or None.

    "" stands for a word character not known in advance (``\\w``, ``\\d``).
    """
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
        elif (op is PARSER.IN and value in _WORD_CLASSES) or item in _WORD_CLASSES[0]:
            found = {""}
        else:
            return None
        if found is None:
            return None
        out |= found
        if not _can_be_empty(item, state):
            return out
    return None


_WORD_CLASSES = (
    [(PARSER.CATEGORY, PARSER.CATEGORY_WORD)],
    [(PARSER.CATEGORY, PARSER.CATEGORY_DIGIT)],
)


def _frequency(literal: str) -> float:
    """A rough count of a literal's occurrences (as a word's start) in a long message."""
    if literal in COMMON:
        return 40.0
    return (80.0, 25.0, 8.0, 3.0)[len(literal) - 1] if len(literal) <= 4 else 1.5


@dataclass(frozen=True)
class Anchor:
    """Where an alternative's matches can start.

    ``firsts``: literals every match starts with. ``inside``: literals one of which occurs
    in the first ``width`` characters of every match (which starts a word), if cheaper.
    """

    firsts: tuple[str, ...] | None
    inside: tuple[str, ...] | None = None
    width: int = 0


def _inside(items: list[tuple[Any, Any]], state: Any) -> tuple[float, tuple[str, ...], int] | None:
    """The rarest literals one of which every match holds near its start, and how near."""
    best: tuple[float, tuple[str, ...], int] | None = None
    width = 0
    for item in items:
        width += PARSER.SubPattern(state, [item]).getwidth()[1]
        if width > _WIDEST:
            break
        for requirement in requirements([item]):
            literals = tuple(sorted(requirement))
            cost = sum(map(_frequency, literals)) * (1 + width / 5)
            if best is None or cost < best[0]:
                best = (cost, literals, width)
    return best


_WIDEST = 60  # an anchor further into a match than this is not used
_SCANNED_BELOW = 400  # characters; shorter texts are searched, not looked up


def anchor_of(source: str) -> Anchor:
    """How to find the places where an alternative may match."""
    parsed = PARSER.parse(source)
    if parsed.state.flags & ~PARSER.SRE_FLAG_UNICODE:
        return Anchor(None)
    items = list(parsed.data)
    found = _first(items, parsed.state)
    if not found or not all(not literal or _is_word(literal[0]) for literal in found):
        return Anchor(None)
    # a literal that begins with another one adds no place to try
    firsts = tuple(sorted(a for a in found if not any(b != a and a.startswith(b) for b in found)))
    inside = _inside(items, parsed.state)
    cost = float("inf") if "" in firsts else sum(map(_frequency, firsts))
    if inside is not None and inside[0] < cost:
        return Anchor(None if "" in firsts else firsts, inside[1], inside[2])
    return Anchor(None if "" in firsts else firsts)


class _HasAnchors(Protocol):
    def anchor(self, index: int) -> Anchor: ...


@dataclass(frozen=True)
class Passages:
    """Passages joined by newlines (which no lexicon pattern matches), with their spans."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    spaced: bool  # every word that follows a non-word character follows a space or newline
    _literals: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _places: dict[Anchor, list[int] | None] = field(default_factory=dict, repr=False, compare=False)

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

    def blanked(self, text: str) -> Passages:
        """The passages with whole words blanked out: the places found so far still hold
        every place (and some more, which is harmless: a match is tried there in vain)."""
        out = Passages(text, self.starts, self.ends, self.spaced, self._literals, self._places)
        if "_words" in self.__dict__:
            out.__dict__["_words"] = self._words
        return out

    @property
    def short(self) -> bool:
        """Whether searching the text costs less than finding places in it."""
        return len(self.text) < _SCANNED_BELOW

    def index(self, position: int) -> int:
        """The number of the passage holding a position."""
        return bisect_right(self.starts, position) - 1

    def places(self, pattern: _HasAnchors, index: int) -> list[int] | None:
        """Where an alternative of a pattern may match (None: anywhere)."""
        if self.short:
            return None
        anchor = pattern.anchor(index)
        if anchor in self._places:
            return self._places[anchor]
        at: list[int] | None = None
        if self.spaced and anchor.inside is not None:
            at = self._near(anchor.inside, anchor.width)
        elif anchor.firsts is not None:
            at = self._find(anchor.firsts)
        self._places[anchor] = at
        return at

    @cached_property
    def _words(self) -> tuple[list[int], list[str], dict[str, list[int]]]:
        """Where words begin; the distinct words, sorted; where each one begins."""
        tokens = self.text.replace("\n", " ").split(" ")
        lengths = map((1).__add__, map(len, tokens))
        starts = list(compress(accumulate(lengths, initial=0), tokens))
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for token, start in zip(filter(None, tokens), starts, strict=True):
            positions[token].append(start)
        return starts, sorted(positions), positions

    def _near(self, literals: tuple[str, ...], width: int) -> list[int]:
        """Where words begin that are at most ``width`` characters before a literal."""
        find, starts = self.text.find, self._words[0]
        found: set[int] = set()
        for literal in literals:
            plain = literal.strip(EDGE)
            at = find(plain)
            while at >= 0:
                found.update(starts[bisect_left(starts, at - width) : bisect_right(starts, at)])
                at = find(plain, at + 1)
        return sorted(found)

    def _find(self, literals: tuple[str, ...]) -> list[int]:
        if len(literals) == 1:
            return self._starting(literals[0])
        return sorted(set().union(*map(self._starting, literals)))

    def _starting(self, literal: str) -> list[int]:
        """Where a word beginning with the literal begins (unless ``spaced``: where it occurs)."""
        found = self._literals.get(literal)
        if found is not None:
            return found
        text, find = self.text, self.text.find
        found = []
        if self.spaced and " " not in literal and "\n" not in literal:
            _, words, positions = self._words
            first, last = bisect_left(words, literal), bisect_left(words, literal + "\uffff")
            if last - first == 1:
                found = positions[words[first]]
            elif last > first:
                found = sorted(chain.from_iterable(map(positions.__getitem__, words[first:last])))
        elif self.spaced:
            if text.startswith(literal):
                found.append(0)
            for needle in (" " + literal, "\n" + literal):
                at = find(needle)
                while at >= 0:
                    found.append(at + 1)
                    at = find(needle, at + 1)
            found.sort()
        else:
            at = find(literal)
            while at >= 0:
                found.append(at)
                at = find(literal, at + 1)
        self._literals[literal] = found
        return found
