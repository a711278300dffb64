"""The lexicon half of the screen: masks, category patterns, scoped negation, speaker context.

A message's passages are matched together, joined by newlines that no pattern can match
or see past (each match is made with the end of its passage as the end of the text), and
every match counts for the passage that holds it, as if each passage were screened alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.core.crisis_screen.anchors import Anchored
from bot.core.crisis_screen.lexicon import Category, Context, Lexicon, load_lexicon
from bot.core.crisis_screen.result import URGENT_CATEGORIES
from bot.core.crisis_screen.starts import Passages

_DENIAL_WINDOW = 60
_SENTENCE = re.compile(r" \. ")
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|ill|me|my|myself|mine)\b")
_NORMALISED = b"abcdefghijklmnopqrstuvwxyz0123456789 ,.\n"
# Categories that say what the writer intends; with a time they become a plan with a date.
INTENT = frozenset({"ideation", "plan_means", "goodbye"})
TIMED = INTENT | {"self_harm", "passive", "vague"}
# Harm from another person; tonight or right now, it is danger from them now.
HARM_BY_OTHERS = frozenset({"abuse"})


@dataclass
class Findings:
    """What the lexicon found in one passage."""

    categories: set[str] = field(default_factory=set)
    strong: set[str] = field(default_factory=set)
    sentences: dict[str, set[int]] = field(default_factory=dict)
    denied_ends: list[tuple[str, int]] = field(default_factory=list)

    def signals(self) -> list[str]:
        """What the model is told: listed, strongly listed and denied categories."""
        denied = {category for category, _ in self.denied_ends}
        return sorted(
            [f"listed {c}" for c in self.categories]
            + [f"strong {c}" for c in self.strong]
            + [f"denied {c}" for c in denied]
        )


@dataclass
class _Message:
    """The passages of one message being matched, and what was found in each."""

    passages: Passages
    candidates: dict[Anchored, list[int]]
    sentence_starts: list[int]
    found: list[Findings]
    contexts: dict[str, set[int]] = field(default_factory=dict)

    def sentence_of(self, position: int) -> int:
        # numbered across the message: within one passage, differences are as in it alone
        return bisect_right(self.sentence_starts, position)

    def add(self, category: str, position: int) -> None:
        found = self.found[self.passages.index(position)]
        found.categories.add(category)
        found.sentences.setdefault(category, set()).add(self.sentence_of(position))

    def matches(self, pattern: Anchored, within: set[int] | None = None) -> Iterator[re.Match[str]]:
        return pattern.matches(self.passages, self.candidates.get(pattern), within)

    def passage_of(self, position: int) -> tuple[str, int]:
        """The text of the passage holding a position, and where it starts."""
        number = self.passages.index(position)
        start = self.passages.starts[number]
        return self.passages.text[start : self.passages.ends[number]], start


def _masked(passages: Passages, lexicon: Lexicon, candidates: dict[Anchored, list[int]]) -> str:
    """Hyperbole and benign literal uses blanked out, keeping positions."""
    pieces: list[str] = []
    end = 0
    text = passages.text
    for match in lexicon.masks.matches(passages, candidates.get(lexicon.masks)):
        pieces += (text[end : match.start()], " " * (match.end() - match.start()))
        end = match.end()
    return "".join(pieces) + text[end:] if pieces else text


def _denied(message: _Message, start: int, lexicon: Lexicon) -> bool:
    """Whether a denial ("I'd never", "not", "no thoughts of") governs the match at start."""
    passage_start = message.passages.starts[message.passages.index(start)]
    prefix = message.passages.text[max(passage_start, start - _DENIAL_WINDOW) : start]
    return lexicon.denial.search(prefix) is not None


def _sentence(text: str, position: int) -> str:
    start = text.rfind(" . ", 0, position)
    end = text.find(" . ", position)
    return text[start + 1 if start >= 0 else 0 : end if end >= 0 else len(text)]


def _in_context(context: Context, message: _Message) -> set[int]:
    """The passages in which a speaker context occurs (found on first need)."""
    numbers = message.contexts.get(context.name)
    if numbers is None:
        index = message.passages.index
        numbers = {index(match.start()) for match in message.matches(context.pattern)}
        message.contexts[context.name] = numbers
    return numbers


def _excused(
    category: str, match: re.Match[str], strong: bool, message: _Message, lexicon: Lexicon
) -> bool:
    """Whether a speaker context (work, news, grief, recovery) explains the match away.

    Urgent matches are never excused; first-person ones only by the writer's own recovery.
    """
    if category in URGENT_CATEGORIES:
        return False
    position = match.start()
    first_person = _FIRST_PERSON.search(match.group()) is not None
    for context in lexicon.contexts:
        if category not in context.excuses or (strong and not context.strong_too):
            continue
        if first_person and context.name != "context_recovery":
            continue
        if message.passages.index(position) not in _in_context(context, message):
            continue
        if context.unless is not None:
            text, start = message.passage_of(position)
            if context.unless.search(_sentence(text, position - start)):
                continue
        return True
    return False


def _match_category(category: Category, message: _Message, lexicon: Lexicon) -> None:
    for strong, pattern in ((True, category.strong), (False, category.mention)):
        if pattern is None or pattern not in message.candidates:
            continue
        for match in message.matches(pattern):
            if _denied(message, match.start(), lexicon):
                found = message.found[message.passages.index(match.start())]
                found.denied_ends.append((category.name, match.end()))
            elif not _excused(category.name, match, strong, message, lexicon):
                message.add(category.name, match.start())
                if strong:
                    message.found[message.passages.index(match.start())].strong.add(category.name)


def _undone_denials(message: _Message, lexicon: Lexicon) -> None:
    """ "I don't want to kill myself but the thoughts keep coming": the denial is undone."""
    text, ends = message.passages.text, message.passages.ends
    for number, found in enumerate(message.found):
        for category, end in found.denied_ends:
            if category not in found.categories and lexicon.undo.search(text, end, ends[number]):
                message.add(category if category in TIMED else "ideation", end)


def _near(a: set[int], b: set[int]) -> bool:
    return any(abs(x - y) <= 1 for x in a for y in b)


def _sentences(pattern: Anchored, message: _Message, within: set[int]) -> list[set[int]]:
    """Per passage (of those ``within``; others may be empty), the sentences it matches in."""
    out: list[set[int]] = [set() for _ in message.found]
    for match in message.matches(pattern, within):
        out[message.passages.index(match.start())].add(message.sentence_of(match.start()))
    return out


def _timed(message: _Message, lexicon: Lexicon) -> None:
    """Intent with a time: a set date is a plan, tonight or right now is an attempt; harm
    from another person tonight or right now is danger from them now."""
    watched = TIMED | HARM_BY_OTHERS
    within = {number for number, found in enumerate(message.found) if watched & found.categories}
    if not within:
        return
    imminent_at = _sentences(lexicon.imminent, message, within)
    when_at = _sentences(lexicon.when, message, within)
    for found, imminent, when in zip(message.found, imminent_at, when_at, strict=True):
        when |= imminent
        for category in watched & found.categories:
            sentences = found.sentences[category]
            if category in TIMED and _near(sentences, when):
                found.categories.add("timing")
            if category in INTENT and _near(sentences, imminent):
                found.categories.add("attempt")
            if category in HARM_BY_OTHERS and _near(sentences, imminent):
                found.categories.add("danger_from_others")


def _spaced(text: str) -> bool:
    """Whether every word that follows a non-word character follows a space or newline
    (as in all normalised text: its only other non-word characters are spaced "," and ".")."""
    if not text.isascii() or text.encode().translate(None, _NORMALISED):
        return False
    return all(
        text.count(mark) == text.count(mark + " ") + text.count(mark + "\n") + text.endswith(mark)
        for mark in ",."
    )


def listed_passages(passages: list[str]) -> list[Findings]:
    """What the lexicon finds in each prepared passage, as if each were matched alone."""
    lexicon = load_lexicon()
    joined = Passages.of(passages, spaced=_spaced("\n".join(passages)))
    candidates = lexicon.index.candidates(joined.text)
    masked = _masked(joined, lexicon, candidates)
    if masked != joined.text:
        candidates = lexicon.index.narrowed(candidates, masked)
        joined = joined.blanked(masked)
    starts = [m.end() for m in _SENTENCE.finditer(masked)]
    message = _Message(joined, candidates, starts, [Findings() for _ in passages])
    for category in lexicon.categories:
        _match_category(category, message, lexicon)
    _undone_denials(message, lexicon)
    _timed(message, lexicon)
    return message.found


def listed(prepared: str) -> Findings:
    """What the lexicon finds in a prepared message: categories, strong matches, denials."""
    return listed_passages([prepared])[0]
