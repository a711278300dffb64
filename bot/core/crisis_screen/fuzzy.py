"""Risk vocabulary: known spellings, slang variants and edit-distance matching of key words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


def deletions(word: str) -> set[str]:
    """Every string made by deleting one character of the word."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _neighbourhood(word: str) -> set[str]:
    """The word and its one- and (for long words) two-deletion variants."""
    first = deletions(word)
    if len(word) < 8:
        return first | {word}
    return first | {word} | {d for variant in first for d in deletions(variant)}


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (adjacent swaps count as one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Words the screen cares about and how misspellings of them are repaired."""

    risk_words: tuple[str, ...]
    spellings: Mapping[str, str]
    fuzzy_words: tuple[str, ...]
    known: frozenset[str]
    guard: frozenset[str]
    _index: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _risk: frozenset[str] = field(default=frozenset(), repr=False)

    @classmethod
    def build(
        cls,
        risk_words: Iterable[str],
        spellings: Mapping[str, str],
        fuzzy_words: Iterable[str],
        known: Iterable[str],
        guard: Iterable[str],
    ) -> Vocabulary:
        """A vocabulary with its deletion index for fuzzy matching."""
        risk = tuple(sorted(set(risk_words) | set(spellings)))
        fuzzy = tuple(fuzzy_words)
        index: dict[str, set[str]] = {}
        for word in fuzzy:
            for variant in _neighbourhood(word):
                index.setdefault(variant, set()).add(word)
        frozen = {key: frozenset(words) for key, words in index.items()}
        all_known = frozenset(known) | frozenset(risk) | frozenset(spellings.values())
        return cls(
            risk, dict(spellings), fuzzy, all_known, frozenset(guard), frozen, frozenset(risk)
        )

    def is_risk(self, word: str) -> bool:
        """Whether the word is one of the risk words or a known variant of one."""
        return word in self._risk

    def is_known(self, word: str) -> bool:
        """Whether the word is spelt as the screen expects (no repair needed)."""
        return word in self.known

    def correct(self, token: str) -> str:
        """The canonical spelling of a token (slang variant or misspelt key word)."""
        spelt = self.spellings.get(token)
        if spelt is not None:
            return spelt
        if len(token) < 5 or token in self.known or token in self.guard or not token.isalpha():
            return token
        return self._nearest(token) or token

    def _nearest(self, token: str) -> str | None:
        limit = 2 if len(token) >= 8 else 1
        candidates: set[str] = set()
        for variant in (token, *deletions(token)):
            candidates |= self._index.get(variant, frozenset())
        for word in sorted(candidates):
            if abs(len(word) - len(token)) <= limit and edit_distance(word, token) <= min(
                limit, 1 if len(word) < 8 else 2
            ):
                return word
        return None
