"""Catalogue review of the practices: every text exists, each message stays short."""

from __future__ import annotations

import re

import pytest

from bot.app import build_flows
from bot.ui.practice_card import card_data, card_text
from bot.ui.texts import catalogue

PRACTICE_TABLES = (
    "practices",
    "critic",
    "friend",
    "kindness",
    "soothe",
    "gratitude",
    "phrases",
    "suggest",
    "learn",
    "resources",
    "share",
)
PRACTICE_FLOWS = ("kindness", "critic", "friend", "soothe", "gratitude", "phrases", "practices")
MAX_WORDS = 60
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _texts() -> list[tuple[str, str]]:
    entries = catalogue().languages["en"]
    return [
        (key, text)
        for key, entry in entries.items()
        if key.split(".")[0] in PRACTICE_TABLES
        for text in ((entry,) if isinstance(entry, str) else entry)
    ]


@pytest.mark.parametrize(("key", "text"), _texts(), ids=lambda v: str(v)[:30])
def test_no_practice_message_is_over_sixty_words(key: str, text: str) -> None:
    words = PLACEHOLDER.sub("", text).split()  # the person's own words are not counted
    assert len(words) <= MAX_WORDS, (key, len(words))


def test_every_practice_is_a_flow_with_its_command_described() -> None:
    flows = {flow.name: flow for flow in build_flows()}
    entries = catalogue().languages["en"]
    for name in PRACTICE_FLOWS:
        assert name in flows, name
        for command in flows[name].commands:
            assert f"commands.{command}" in entries, command


def test_repeated_texts_have_several_wordings() -> None:
    cat = catalogue()
    for key in (
        "critic.intro",
        "friend.intro",
        "kindness.intro",
        "soothe.intro",
        "gratitude.intro",
        "kindness.wish_prompt",
        "gratitude.ask_more",
        "practices.closing_plain",
        "practices.stopped",
    ):
        assert cat.variants(key) >= 2, key


def test_the_practices_credit_their_source() -> None:
    credit = catalogue().text("practices.credit")
    assert "Kristin Neff" in credit and "Christopher Germer" in credit


def test_the_practice_card_fits_one_short_message() -> None:
    text = card_text(card_data())
    assert len(text.split()) <= MAX_WORDS
    assert text.count("\n\n") == 4 and "Kristin Neff" in text  # title, three steps, credit
