"""Loading the lexicon data files (one per category) into compiled patterns, once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from bot.core.crisis_screen.anchors import Anchored, AnchorIndex
from bot.core.crisis_screen.fuzzy import Vocabulary
from bot.core.crisis_screen.requirements import alternative
from bot.core.once import once

LEXICON_DIR = Path(__file__).parent / "lexicon"
_MACRO = re.compile(r"\{(\w+)\}")


class LexiconError(ValueError):
    """A lexicon data file is malformed."""


@dataclass(frozen=True)
class Category:
    """One category: first-person patterns, and bare mentions that context may excuse."""

    name: str
    level: str
    strong: Anchored | None
    mention: Anchored | None


@dataclass(frozen=True)
class Context:
    """A speaker context (work, media, grief, recovery) that excuses some matches."""

    name: str
    pattern: Anchored
    excuses: frozenset[str]
    strong_too: bool
    unless: re.Pattern[str] | None


@dataclass(frozen=True)
class Lexicon:
    """Everything the screen matches with, compiled."""

    vocabulary: Vocabulary
    categories: tuple[Category, ...]
    masks: Anchored
    kindness: re.Pattern[str]
    denial: re.Pattern[str]
    undo: re.Pattern[str]
    contexts: tuple[Context, ...]
    imminent: Anchored
    when: Anchored
    index: AnchorIndex


def read_file(name: str) -> dict[str, Any]:
    """One data file of the lexicon, decoded."""
    with (LEXICON_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _strings(data: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: {key!r} must be a list of strings")
    return cast(list[str], value)


def expand(pattern: str, macros: Mapping[str, str]) -> str:
    """A pattern with {macros} expanded and each space made optional ("killmyself")."""
    for _ in range(5):
        pattern = _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", pattern)
    return pattern.replace(" ", r"\ ?")


def compile_any(
    patterns: Iterable[str], macros: Mapping[str, str], suffix: str = r"\b"
) -> re.Pattern[str]:
    """One pattern matching any of the given ones as whole words."""
    expanded = [expand(p, macros) for p in patterns]
    for original, pattern in zip(patterns, expanded, strict=True):
        try:
            re.compile(pattern)
        except re.error as error:
            raise LexiconError(f"bad pattern {original!r}: {error}") from error
    body = "|".join(expanded)
    return re.compile(rf"\b(?:{body}){suffix}" if body else r"(?!x)x")


def compile_anchored(patterns: list[str], macros: Mapping[str, str]) -> Anchored:
    """Like ``compile_any``, with each pattern's anchors (see ``anchors``)."""
    expanded = [expand(p, macros) for p in patterns]
    alternatives = tuple(alternative(pattern, end=True) for pattern in expanded)
    return Anchored(compile_any(patterns, macros), r"\b", alternatives)


def _vocabulary(data: Mapping[str, Any]) -> Vocabulary:
    spellings = data.get("spellings", {})
    if not isinstance(spellings, dict):
        raise LexiconError("vocabulary: 'spellings' must be a table")
    return Vocabulary.build(
        risk_words=_strings(data, "risk_words", "vocabulary"),
        spellings=cast(dict[str, str], spellings),
        fuzzy_words=_strings(data, "fuzzy_words", "vocabulary"),
        known=_strings(data, "known_words", "vocabulary"),
        guard=_strings(data, "not_misspellings", "vocabulary"),
    )


def _category(name: str, macros: Mapping[str, str]) -> Category:
    data = read_file(name)
    strong, mention = _strings(data, "strong", name), _strings(data, "mention", name)
    return Category(
        name=name,
        level=str(data.get("level", "concern")),
        strong=compile_anchored(strong, macros) if strong else None,
        mention=compile_anchored(mention, macros) if mention else None,
    )


def _context(name: str, macros: Mapping[str, str]) -> Context:
    data = read_file(name)
    unless = _strings(data, "unless", name)
    return Context(
        name=name,
        pattern=compile_anchored(_strings(data, "patterns", name), macros),
        excuses=frozenset(_strings(data, "excuses", name)),
        strong_too=bool(data.get("strong_too", False)),
        unless=compile_any(unless, macros) if unless else None,
    )


@cache
def category_names() -> tuple[str, ...]:
    """The categories, in the order of the data files that define them."""
    return tuple(
        sorted(
            p.stem for p in LEXICON_DIR.glob("*.toml") if not p.stem.startswith(("_", "context_"))
        )
    )


@once
def load_lexicon() -> Lexicon:
    """The compiled lexicon (read from the data files on first use, then cached)."""
    vocabulary_data = read_file("_vocabulary")
    macros = cast(dict[str, str], vocabulary_data.get("macros", {}))
    denial, timing = read_file("_denial"), read_file("_time")
    contexts = tuple(
        _context(name, macros)
        for name in sorted(p.stem for p in LEXICON_DIR.glob("context_*.toml"))
    )
    categories = tuple(_category(name, macros) for name in category_names())
    masks = compile_anchored(_strings(read_file("_masks"), "patterns", "masks"), macros)
    imminent = compile_anchored(_strings(timing, "imminent", "time"), macros)
    when = compile_anchored(_strings(timing, "when", "time"), macros)
    searched = [p for c in categories for p in (c.strong, c.mention) if p is not None]
    searched += [masks, imminent, when, *(context.pattern for context in contexts)]
    return Lexicon(
        vocabulary=_vocabulary(vocabulary_data),
        categories=categories,
        masks=masks,
        kindness=compile_any(_strings(read_file("_kindness"), "patterns", "kindness"), macros),
        denial=compile_any(_strings(denial, "cues", "denial"), macros, suffix=r"\ ?$"),
        undo=compile_any(_strings(denial, "undone_by", "denial"), macros),
        contexts=contexts,
        imminent=imminent,
        when=when,
        index=AnchorIndex(searched),
    )
