"""Literal anchors: strings an alternative cannot match without, so it runs only where they occur.

Each alternative of a lexicon pattern is parsed (with the standard library's own regular
expression parser) into requirements: sets of literal strings of which every match must
contain one. An alternative is tried on a text only when each of its requirements has a
member in the text, and the alternatives that remain are matched one by one and merged
exactly as the alternation would (leftmost match first, the earlier alternative on a tie),
so the matches are the same as the whole pattern's; skipped ones could not have matched.

A literal that must start (end) at a word boundary is marked with ``EDGE`` before (after)
it, and looked up in words with ``EDGE`` inserted at each of their word boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import repeat

from bot.core.crisis_screen.requirements import EDGE, LONGEST, Alternative, Requirement
from bot.core.crisis_screen.starts import Anchor, Passages, anchor_of

_MAX_MERGED = 6  # in a short text, with more candidate alternatives the whole pattern is run


@dataclass(frozen=True, eq=False)
class Anchored:
    """A compiled alternation ``\\b(?:a|b|...)suffix`` and its alternatives' anchors."""

    pattern: re.Pattern[str]
    suffix: str
    alternatives: tuple[Alternative, ...]
    _compiled: dict[int, re.Pattern[str]] = field(default_factory=dict, repr=False)
    _anchors: dict[int, Anchor] = field(default_factory=dict, repr=False)

    @cached_property
    def needs(self) -> tuple[tuple[Requirement, ...], ...]:
        """Per alternative, its requirements besides its key."""
        return tuple(alt.needs for alt in self.alternatives)

    @cached_property
    def requirements(self) -> tuple[tuple[Requirement, ...], ...]:
        """Per alternative, all its requirements."""
        return tuple((alt.key, *alt.needs) if alt.key else () for alt in self.alternatives)

    def _one(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled.get(index)
        if compiled is None:
            source = self.alternatives[index].source
            # with MULTILINE, "$" also holds before the newline that ends a passage
            compiled = re.compile(rf"\b(?:{source}){self.suffix}", re.MULTILINE)
            self._compiled[index] = compiled
        return compiled

    def anchor(self, index: int) -> Anchor:
        """How to find where an alternative may match (worked out on first need)."""
        found = self._anchors.get(index)
        if found is None:
            found = self._anchors[index] = anchor_of(self.alternatives[index].source)
        return found

    def matches(
        self,
        passages: Passages,
        candidates: list[int] | None,
        within: AbstractSet[int] | None = None,
    ) -> Iterator[re.Match[str]]:
        """The pattern's matches in each passage, as ``finditer`` on each would find them.

        Only the candidate alternatives are tried, each only where its matches can start,
        and their matches are merged exactly as the alternation would merge them. Given
        ``within`` (passage numbers), matches in other passages may be left out.
        """
        if not candidates:
            return iter(())
        if len(candidates) > _MAX_MERGED and passages.short:
            return self._whole(passages, within)
        return _merged([self._next(index, passages, within) for index in candidates])

    def _whole(
        self, passages: Passages, within: AbstractSet[int] | None
    ) -> Iterator[re.Match[str]]:
        """The whole alternation's matches, passage by passage."""
        for number, (start, end) in enumerate(zip(passages.starts, passages.ends, strict=True)):
            if within is None or number in within:
                yield from self.pattern.finditer(passages.text, start, end)

    def _next(self, index: int, passages: Passages, within: AbstractSet[int] | None) -> _Next:
        pattern, places = self._one(index), passages.places(self, index)
        if places is None and len(passages.starts) == 1:
            return partial(pattern.search, passages.text)  # one passage: the whole text
        if places is None:
            return _scanned(pattern, passages, within)
        return _tried(pattern, passages.text, places)


_Next = Callable[[int], "re.Match[str] | None"]


def _tried(pattern: re.Pattern[str], text: str, places: list[int]) -> _Next:
    """The first match at or after a position, trying the pattern at the given places only.

    No lexicon pattern matches a newline, and with MULTILINE its "$" holds before one, so
    a match tried in the joined text is the one tried in its passage alone.
    """
    match = pattern.match

    def next_match(position: int) -> re.Match[str] | None:
        first = bisect_left(places, position)
        for found in map(match, repeat(text, len(places) - first), places[first:]):
            if found is not None:
                return found
        return None

    return next_match


def _scanned(
    pattern: re.Pattern[str], passages: Passages, within: AbstractSet[int] | None
) -> _Next:
    """The first match at or after a position, searching passage by passage."""
    text, starts, ends = passages.text, passages.starts, passages.ends

    def next_match(position: int) -> re.Match[str] | None:
        for number in range(passages.index(position), len(starts)):
            if within is not None and number not in within:
                continue
            match = pattern.search(text, max(position, starts[number]), ends[number])
            if match is not None:
                return match
        return None

    return next_match


def _merged(nexts: list[_Next]) -> Iterator[re.Match[str]]:
    """What finditer of the alternation of (never empty-matching) alternatives yields."""
    upcoming = [next_match(0) for next_match in nexts]
    position = 0
    while True:
        best: re.Match[str] | None = None
        for index, match in enumerate(upcoming):
            if match is not None and match.start() < position:
                match = upcoming[index] = nexts[index](position)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        if best is None:
            return
        yield best
        position = best.end()


class AnchorIndex:
    """Which alternatives of a set of patterns could match a text (word lookups cached)."""

    def __init__(self, patterns: list[Anchored]) -> None:
        self._always: list[tuple[Anchored, int]] = []
        self._keyed: dict[str, list[tuple[Anchored, int]]] = {}
        for pattern in patterns:
            for index, alt in enumerate(pattern.alternatives):
                if alt.key is None:
                    self._always.append((pattern, index))
                for literal in alt.key or ():
                    self._keyed.setdefault(literal, []).append((pattern, index))
        literals = set(self._keyed).union(
            *(n for p in patterns for a in p.alternatives for n in a.needs)
        )
        spaced = {a for a in literals if any(c.isspace() for c in a)}
        # a literal with a space is looked for in the whole text, without its edge marks
        self._spaced = tuple(sorted((a, a.strip(EDGE)) for a in spaced))
        self._plain = frozenset(a for a in literals - spaced if EDGE not in a)
        self._edged = frozenset(a for a in literals - spaced if EDGE in a)
        self._key_literals = frozenset(self._keyed)  # a set, so intersecting walks the smaller
        self._words: dict[str, frozenset[str]] = {}

    def _in_word(self, word: str) -> frozenset[str]:
        found = self._words.get(word)
        if found is None:
            edged = re.sub(r"\b", EDGE, word)
            found = _substrings(word, self._plain) | _substrings(edged, self._edged)
            if len(self._words) >= 1 << 16:
                self._words.clear()
            self._words[word] = found
        return found

    def present(self, text: str) -> set[str]:
        """The literals (marked at word edges) that occur in the text."""
        found: set[str] = set().union(*map(self._in_word, set(text.split())))
        found.update(marked for marked, plain in self._spaced if plain in text)
        return found

    def candidates(self, text: str) -> dict[Anchored, list[int]]:
        """Per pattern, in order, the alternatives whose every requirement occurs in the text."""
        present = self.present(text)
        hits = set(self._always)
        for literal in present.intersection(self._key_literals):
            hits.update(self._keyed[literal])
        return _grouped(
            hit for hit in hits if not any(map(present.isdisjoint, hit[0].needs[hit[1]]))
        )

    def narrowed(
        self, candidates: dict[Anchored, list[int]], text: str
    ) -> dict[Anchored, list[int]]:
        """``candidates(text)``, for a text made from the candidates' one by blanking whole words.

        Blanking a match that starts and ends at word boundaries with spaces makes no new
        word boundary and, except for literals with a space, no new literal occurrence.
        """
        if self._spaced:
            return self.candidates(text)
        present = self.present(text)
        return _grouped(
            (pattern, index)
            for pattern, indexes in candidates.items()
            for index in indexes
            if not any(map(present.isdisjoint, pattern.requirements[index]))
        )


def _grouped(hits: Iterable[tuple[Anchored, int]]) -> dict[Anchored, list[int]]:
    out: dict[Anchored, list[int]] = {}
    for pattern, index in hits:
        out.setdefault(pattern, []).append(index)
    for indexes in out.values():
        indexes.sort()
    return out


def _substrings(word: str, literals: AbstractSet[str]) -> frozenset[str]:
    size = len(word)
    return frozenset(
        part
        for length in range(1, min(size, LONGEST + 2) + 1)
        for start in range(size - length + 1)
        if (part := word[start : start + length]) in literals
    )
