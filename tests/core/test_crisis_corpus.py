"""The crisis screen on labelled messages it was never tuned or trained on.

Six held-out sets. ``blind`` was written by other hands, separately from everything the
screen learned from, with the kinds and proportions of the independent set the screen
is judged on: it must meet that bar (95% of crisis messages caught, at most 10% false
alarms). ``test`` is harder than real traffic (every safe kind in it is a trap kind, in
equal numbers) and ``personas`` is eight messages each from 100 imagined people's weeks:
their floors stop the screen from getting worse while it is short of the bar there.
``fresh`` (400) was written later, again separately and with the independent set's kinds,
and never looked at message by message: the most honest estimate, just short of the bar
on false alarms, so it too has a floor. ``answers`` (300) are answers to the bot's own
questions (what is weighing on you, what a friend would hear, a safety plan's steps), 45 of
them showing danger: a kind reply must not be met with "are you safe right now?".
``fresh2`` (300) was written last of all, after every setting was chosen, with the kinds and
proportions of the independent set, and read only as totals per kind: it holds the bar.
"""

from __future__ import annotations

import pytest

from bot.core.crisis_screen import screen_text
from tests.support.crisis_corpus import Item, split

# (least recall, most false alarms); personas: ordinary weeks of 100 people, mostly safe.
# answers has only 45 crisis messages: 95% allows two misses (docs/benchmarks.md).
BAR = {
    "answers": (0.95, 0.10),
    "blind": (0.95, 0.08),
    "fresh": (0.95, 0.11),
    "fresh2": (0.95, 0.10),
    "test": (0.95, 0.09),
    "personas": (0.97, 0.09),
}


def _rates(items: list[Item]) -> tuple[float, float]:
    crisis = [bool(screen_text(i.text)) for i in items if i.crisis]
    safe = [bool(screen_text(i.text)) for i in items if not i.crisis]
    return sum(crisis) / len(crisis), sum(safe) / len(safe)


@pytest.mark.parametrize("name", sorted(BAR))
def test_held_out_recall_and_false_alarms(name: str) -> None:
    items = split(name)
    assert len(items) >= 300, f"{name}: only {len(items)} messages"
    recall, false_alarms = _rates(items)
    least, most = BAR[name]
    assert recall >= least, f"{name}: {recall:.1%} of crisis messages caught"
    assert false_alarms <= most, f"{name}: {false_alarms:.1%} false alarms"


def test_urgent_held_out_messages_are_screened() -> None:
    urgent = [i for name in BAR for i in split(name) if i.level == "urgent"]
    caught = sum(bool(screen_text(i.text)) for i in urgent)
    assert caught / len(urgent) >= 0.9, f"{caught} of {len(urgent)} urgent messages screened"


def test_the_corpus_is_big_enough_and_covers_every_kind() -> None:
    labelled = [i for name in ("dev", "test") for i in split(name)]
    assert len(labelled) >= 1000
    kinds = {i.kind for i in labelled}
    assert {"attempt_now", "others_danger", "goodbye", "time_date", "someone_else"} <= kinds
    assert {"denial", "professional", "media", "grief_past", "hyperbole"} <= kinds
