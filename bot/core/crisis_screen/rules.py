"""The screen itself: passages, the lexicon's findings weighed by the model, levels."""

from __future__ import annotations

from bot.core.crisis_screen.findings import Findings, listed, listed_passages
from bot.core.crisis_screen.lexicon import load_lexicon
from bot.core.crisis_screen.normalise import normalise
from bot.core.crisis_screen.result import INDIRECT, URGENT_CATEGORIES, Screen, screen_of
from bot.core.crisis_screen.verdicts import verdict

__all__ = ["listed", "passages", "prepare", "screen_text", "warm"]

PASSAGE = 320  # characters of prepared text screened at a time


def prepare(text: str) -> str:
    """The canonical spelling of a message, as both the lexicon and the model read it."""
    return normalise(text, load_lexicon().vocabulary)


def learned(prepared: str, found: Findings) -> set[str]:
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
    return {"someone_else" if heads["someone_else"] else INDIRECT}


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


def _screen_passage(prepared: str, findings: Findings) -> set[str]:
    """Listed wording weighed by the model; an urgent listed phrase always counts."""
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
    cut = passages(prepare(text))
    for passage, findings in zip(cut, listed_passages(cut), strict=True):
        found |= _screen_passage(passage, findings)
    return screen_of(frozenset(found))


_WARM = "Work was long today. I made pasta and called my sister about the weekend. " * 8


def warm() -> None:
    """Read and compile all the screen uses (about a second), so no message waits for it."""
    screen_text(_WARM)
