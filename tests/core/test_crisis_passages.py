"""A message's passages are matched together: no lexicon pattern may reach across a newline."""

from __future__ import annotations

import importlib
from typing import Any

from bot.core.crisis_screen import screen_text
from bot.core.crisis_screen.findings import listed, listed_passages
from bot.core.crisis_screen.lexicon import load_lexicon
from bot.core.crisis_screen.rules import passages, prepare

_PARSER: Any = importlib.import_module("re._parser")
_WORDLIKE = {_PARSER.CATEGORY_WORD, _PARSER.CATEGORY_DIGIT}


def _can_match_newline(items: Any) -> bool:
    for op, value in items:
        if (op is _PARSER.LITERAL and value == ord("\n")) or op is _PARSER.NOT_LITERAL:
            return True
        if op is _PARSER.IN and any(
            kind is _PARSER.NEGATE
            or (kind is _PARSER.CATEGORY and arg not in _WORDLIKE)
            or (kind is _PARSER.LITERAL and arg == ord("\n"))
            or (kind is _PARSER.RANGE and arg[0] <= ord("\n") <= arg[1])
            for kind, arg in value
        ):
            return True
        if op is _PARSER.CATEGORY and value not in _WORDLIKE:
            return True
        if op is _PARSER.SUBPATTERN and _can_match_newline(value[3]):
            return True
        if op in (_PARSER.MAX_REPEAT, _PARSER.MIN_REPEAT) and _can_match_newline(value[2]):
            return True
        if op in (_PARSER.ASSERT, _PARSER.ASSERT_NOT) and _can_match_newline(value[1]):
            return True
        if op is _PARSER.BRANCH and any(_can_match_newline(body) for body in value[1]):
            return True
        if op is _PARSER.ATOMIC_GROUP and _can_match_newline(value):
            return True
    return False


def test_no_lexicon_alternative_can_match_or_see_a_newline() -> None:
    lexicon = load_lexicon()
    patterns = [p for c in lexicon.categories for p in (c.strong, c.mention) if p is not None]
    patterns += [lexicon.masks, lexicon.imminent, lexicon.when]
    patterns += [context.pattern for context in lexicon.contexts]
    sources = [alt.source for pattern in patterns for alt in pattern.alternatives]
    assert sources
    flags = {_PARSER.parse(source).state.flags & ~_PARSER.SRE_FLAG_UNICODE for source in sources}
    assert flags == {0}  # no DOTALL: "." never matches a newline
    assert [s for s in sources if _can_match_newline(_PARSER.parse(s).data)] == []


def test_passages_matched_together_find_what_each_finds_alone() -> None:
    text = (
        "work was long and the train was late. " * 6
        + "i dont want to be here anymore. i have the pills ready tonight. "
        + "my sister called about the weekend. " * 6
        + "no sentence ends here just words and i want to die " * 12
    )
    cut = passages(prepare(text))
    assert len(cut) >= 3
    together = listed_passages(cut)
    alone = [listed(passage) for passage in cut]
    assert [f.signals() for f in together] == [f.signals() for f in alone]
    assert any(f.categories for f in together)
    assert screen_text(text)
