"""The screen itself: masks, category patterns, scoped negation, speaker context, levels."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.core.crisis_screen.anchors import Anchored
from bot.core.crisis_screen.lexicon import Category, Lexicon, load_lexicon
from bot.core.crisis_screen.model import verdict
from bot.core.crisis_screen.normalise import normalise
from bot.core.crisis_screen.result import URGENT_CATEGORIES, Screen, screen_of

_DENIAL_WINDOW = 60
PASSAGE = 320  # characters of prepared text screened at a time
_SENTENCE = re.compile(r" \. ")
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|ill|me|my|myself|mine)\b")
# Categories that say what the writer intends; with a time they become a plan with a date.
INTENT = frozenset({"ideation", "plan_means", "goodbye"})
TIMED = INTENT | {"self_harm", "passive", "vague"}


@dataclass
class _Findings:
    """Matches gathered while screening one message."""

    text: str
    sentence_starts: list[int]
    candidates: dict[Anchored, list[int]]
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

    def sentence_of(self, position: int) -> int:
        return bisect_right(self.sentence_starts, position)

    def add(self, category: str, position: int) -> None:
        self.categories.add(category)
        self.sentences.setdefault(category, set()).add(self.sentence_of(position))


def _mask(text: str, lexicon: Lexicon, candidates: dict[Anchored, list[int]]) -> str:
    """Hyperbole and benign literal uses blanked out, keeping positions."""
    pieces: list[str] = []
    end = 0
    for match in lexicon.masks.finditer(text, candidates.get(lexicon.masks)):
        pieces += (text[end : match.start()], " " * (match.end() - match.start()))
        end = match.end()
    return "".join(pieces) + text[end:] if pieces else text


def _denied(text: str, start: int, lexicon: Lexicon) -> bool:
    """Whether a denial ("I'd never", "not", "no thoughts of") governs the match at start."""
    prefix = text[max(0, start - _DENIAL_WINDOW) : start]
    return lexicon.denial.search(prefix) is not None


def _sentence(text: str, position: int) -> str:
    start = text.rfind(" . ", 0, position)
    end = text.find(" . ", position)
    return text[start + 1 if start >= 0 else 0 : end if end >= 0 else len(text)]


def _excused(
    category: str, match: re.Match[str], strong: bool, found: _Findings, lexicon: Lexicon
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
        if not context.pattern.search(found.text, found.candidates.get(context.pattern)):
            continue
        if context.unless is not None and context.unless.search(_sentence(found.text, position)):
            continue
        return True
    return False


def _match_category(category: Category, found: _Findings, lexicon: Lexicon) -> None:
    for strong, pattern in ((True, category.strong), (False, category.mention)):
        if pattern is None:
            continue
        for match in pattern.finditer(found.text, found.candidates.get(pattern)):
            if _denied(found.text, match.start(), lexicon):
                found.denied_ends.append((category.name, match.end()))
            elif not _excused(category.name, match, strong, found, lexicon):
                found.add(category.name, match.start())
                if strong:
                    found.strong.add(category.name)


def _undone_denials(found: _Findings, lexicon: Lexicon) -> None:
    """ "I don't want to kill myself but the thoughts keep coming": the denial is undone."""
    for category, end in found.denied_ends:
        if category not in found.categories and lexicon.undo.search(found.text, end):
            found.add(category if category in TIMED else "ideation", end)


def _finditer(pattern: Anchored, found: _Findings) -> Iterator[re.Match[str]]:
    return pattern.finditer(found.text, found.candidates.get(pattern))


def _near(a: set[int], b: set[int]) -> bool:
    return any(abs(x - y) <= 1 for x in a for y in b)


def _timed(found: _Findings, lexicon: Lexicon) -> None:
    """Intent with a time: a set date is a plan, tonight or right now is an attempt."""
    timed = TIMED & found.categories
    if not timed:
        return
    imminent = {found.sentence_of(m.start()) for m in _finditer(lexicon.imminent, found)}
    when = {found.sentence_of(m.start()) for m in _finditer(lexicon.when, found)} | imminent
    for category in timed:
        sentences = found.sentences[category]
        if _near(sentences, when):
            found.categories.add("timing")
        if category in INTENT and _near(sentences, imminent):
            found.categories.add("attempt")


def prepare(text: str) -> str:
    """The canonical spelling of a message, as both the lexicon and the model read it."""
    return normalise(text, load_lexicon().vocabulary)


def listed(prepared: str) -> _Findings:
    """What the lexicon finds in a prepared message: categories, strong matches, denials."""
    lexicon = load_lexicon()
    candidates = lexicon.index.candidates(prepared)
    masked = _mask(prepared, lexicon, candidates)
    if masked != prepared:
        candidates = lexicon.index.narrowed(candidates, masked)
    starts = [m.end() for m in _SENTENCE.finditer(masked)]
    found = _Findings(masked, starts, candidates)
    for category in lexicon.categories:
        _match_category(category, found, lexicon)
    _undone_denials(found, lexicon)
    _timed(found, lexicon)
    return found


def learned(prepared: str, found: _Findings) -> set[str]:
    """The categories the learned model sees in a prepared message (empty below threshold)."""
    heads = verdict(prepared, found.signals(), every_head=False)
    if not heads["crisis"]:
        return set()
    if heads["urgent"]:
        if heads["others"]:
            return {"danger_from_others"}
        return {"someone_else_now" if heads["someone_else"] else "attempt"}
    if heads["others"]:
        return {"abuse"}
    return {"someone_else" if heads["someone_else"] else "indirect"}


def passages(prepared: str, size: int = PASSAGE) -> list[str]:
    """A long message cut at sentence ends into passages of about ``size`` characters.

    Each passage is screened on its own, so one sentence of danger in a long message about
    something else is not diluted by the rest, and the work grows only linearly with length.
    """
    if len(prepared) <= size:
        return [prepared]
    out: list[str] = []
    current = ""
    for sentence in prepared.split(" . "):
        if current and len(current) + len(sentence) > size:
            out.append(current)
            current = ""
        current = f"{current} . {sentence}" if current else sentence
    out.append(current)
    return [p[i : i + 2 * size] for p in out for i in range(0, len(p), 2 * size)]


def kind_words(prepared: str) -> bool:
    """Whether the whole message is kind words to oneself ("i deserve rest", "i am enough")."""
    words = prepared.strip(" .,!")
    return load_lexicon().kindness.fullmatch(words) is not None


def _screen_passage(prepared: str) -> set[str]:
    """Listed wording weighed by the model; an urgent listed phrase always counts."""
    findings = listed(prepared)
    found = findings.categories
    model = set() if kind_words(prepared) else learned(prepared, findings)
    if not model:
        return found & URGENT_CATEGORIES
    if found:
        return found | (model & URGENT_CATEGORIES if not found & URGENT_CATEGORIES else set())
    return model


def screen_text(text: str) -> Screen:
    """Whether free text shows signs that the writer (or someone with them) is in danger."""
    found: set[str] = set()
    for passage in passages(prepare(text)):
        found |= _screen_passage(passage)
    return screen_of(frozenset(found))
