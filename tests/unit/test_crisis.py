"""Tests for crisis help formatting and the free-text screen."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import bot
from bot.core.crisis_screen import Level
from bot.core.helplines import (
    CrisisDataError,
    help_for_country,
    load_crisis_lines,
    parse_crisis_lines,
)
from bot.crisis import screen_text  # the stable entry point
from bot.ui.helplines import MESSAGE_LIMIT, format_help, format_help_short
from bot.ui.texts import t

DATA_FILE = Path(bot.__file__).parent / "data" / "crisis_lines.json"


@cache
def raw_data() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def country_codes() -> list[str]:
    return sorted(raw_data()["countries"])


def shown_raw_lines(code: str) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = raw_data()["countries"][code]["lines"]
    return [line for line in lines if line["confidence"] != "low" or line.get("note")]


def numbers_of(line: dict[str, Any]) -> list[str]:
    numbers = [line[key] for key in ("phone", "sms", "whatsapp") if line.get(key)]
    return numbers + list(line.get("alt_phones", []))


def all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in all_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in all_strings(item)]
    return []


def without_data_strings(text: str, code: str | None) -> str:
    """The text with every string from the country's entry and the fallbacks removed."""
    strings = all_strings(raw_data()["international_fallback"])
    if code is not None:
        strings += all_strings(raw_data()["countries"][code])
    for string in sorted(set(strings), key=len, reverse=True):
        text = text.replace(string, " ")
    return text


# --- data ---------------------------------------------------------------------------------


def test_load_is_cached_and_complete() -> None:
    directory = load_crisis_lines()
    assert directory is load_crisis_lines()
    assert sorted(directory.countries) == country_codes()
    assert len(directory.fallbacks) == len(raw_data()["international_fallback"])


def test_loaded_lines_match_the_json() -> None:
    directory = load_crisis_lines()
    for code in country_codes():
        raw = raw_data()["countries"][code]
        country = directory.countries[code]
        assert country.emergency == raw["emergency"]
        assert [line.phone for line in country.lines] == [
            line.get("phone") for line in raw["lines"]
        ]
        assert [line.sms for line in country.lines] == [line.get("sms") for line in raw["lines"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"confidence": "certain"}, "confidence"),
        ({"phone": None, "sms": None, "whatsapp": None}, "phone"),
        ({"name": ""}, "name"),
    ],
)
def test_parse_rejects_bad_lines(change: dict[str, object], message: str) -> None:
    data = json.loads(json.dumps(raw_data()))
    data["countries"]["DE"]["lines"][0].update(change)
    with pytest.raises(CrisisDataError, match=message):
        parse_crisis_lines(data)


def test_parse_rejects_missing_fallback() -> None:
    data = json.loads(json.dumps(raw_data()))
    data["international_fallback"] = []
    with pytest.raises(CrisisDataError):
        parse_crisis_lines(data)


# --- choosing what to show ----------------------------------------------------------------


@pytest.mark.parametrize("code", country_codes())
def test_lines_are_ordered_by_confidence(code: str) -> None:
    help_ = help_for_country(code)
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[line.confidence] for line in help_.lines]
    assert ranks == sorted(ranks)
    assert len(help_.lines) == len(shown_raw_lines(code))
    assert all(line.note for line in help_.lines if line.confidence == "low")


@pytest.mark.parametrize("code", country_codes())
def test_fallbacks_only_without_a_high_confidence_line(code: str) -> None:
    help_ = help_for_country(code)
    has_high = any(line["confidence"] == "high" for line in raw_data()["countries"][code]["lines"])
    assert bool(help_.fallbacks) is not has_high


@pytest.mark.parametrize("country", [None, "", "   ", "XX", "zz", "Germany"])
def test_unknown_country_gets_fallback(country: str | None) -> None:
    help_ = help_for_country(country)
    assert help_.country is None
    assert help_.emergency is None
    assert help_.lines == ()
    text = format_help(country)
    assert text.startswith(t("crisis.emergency_unknown"))
    for fallback in raw_data()["international_fallback"]:
        assert fallback["url"] in text
    assert not re.search(r"\d", without_data_strings(text, None))


def test_country_code_is_case_and_space_insensitive() -> None:
    assert format_help(" de ") == format_help("DE") == format_help("de")


def test_uk_is_an_alias_for_gb() -> None:
    assert format_help("UK") == format_help("GB")


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", country_codes())
def test_every_country_formats_within_the_limit(code: str) -> None:
    texts = [format_help(code), format_help_short(code)]
    for text in texts:
        assert text.strip()
        assert len(text) <= MESSAGE_LIMIT


@pytest.mark.parametrize("code", country_codes())
def test_emergency_number_comes_first(code: str) -> None:
    emergency = raw_data()["countries"][code]["emergency"]
    text = format_help(code)
    assert text.splitlines()[0] == t("crisis.emergency", number=emergency)
    assert format_help_short(code).startswith(t("crisis.emergency", number=emergency))


@pytest.mark.parametrize("code", country_codes())
def test_printed_numbers_are_exactly_those_in_the_json(code: str) -> None:
    text = format_help(code)
    for line in shown_raw_lines(code):
        assert line["name"] in text
        for number in numbers_of(line):
            assert number in text
    assert not re.search(r"\d", without_data_strings(text, code))


@pytest.mark.parametrize("code", country_codes())
def test_short_text_numbers_come_from_the_json(code: str) -> None:
    text = format_help_short(code)
    assert not re.search(r"\d", without_data_strings(text, code))
    assert text.count("\n") <= 1


def test_germany_shows_112_then_telefonseelsorge() -> None:
    germany = raw_data()["countries"]["DE"]
    line = next(line for line in germany["lines"] if line["name"] == "TelefonSeelsorge")
    text = format_help("DE")
    assert text.index(germany["emergency"]) < text.index("TelefonSeelsorge")
    assert text.index("TelefonSeelsorge") < text.index(line["phone"])
    short = format_help_short("DE")
    assert short.index(germany["emergency"]) < short.index("TelefonSeelsorge")
    assert line["phone"] in short
    assert "/sos" in short


def test_low_confidence_lines_show_their_note() -> None:
    low = [
        (code, line)
        for code in country_codes()
        for line in raw_data()["countries"][code]["lines"]
        if line["confidence"] == "low"
    ]
    assert low
    for code, line in low:
        text = format_help(code)
        assert line["phone"] in text
        assert line["note"] in text
        assert text.index(line["phone"]) < text.index(line["note"])


def test_medium_lines_show_known_hours() -> None:
    for code in country_codes():
        text = format_help(code)
        for line in shown_raw_lines(code):
            if line["confidence"] == "medium" and line.get("hours"):
                assert line["hours"] in text


def test_notes_of_high_and_medium_lines_are_not_shown() -> None:
    for code in country_codes():
        text = format_help(code)
        for line in shown_raw_lines(code):
            if line["confidence"] != "low" and line.get("note"):
                assert line["note"] not in text


def test_country_without_lines_shows_emergency_and_fallback() -> None:
    empty = [code for code in country_codes() if not raw_data()["countries"][code]["lines"]]
    assert empty
    for code in empty:
        text = format_help(code)
        assert t("crisis.emergency", number=raw_data()["countries"][code]["emergency"]) in text
        for fallback in raw_data()["international_fallback"]:
            assert fallback["url"] in text
        assert format_help_short(code) == t(
            "crisis.short_no_line", number=raw_data()["countries"][code]["emergency"]
        )


def test_unknown_short_text() -> None:
    assert format_help_short(None) == t("crisis.short_unknown")
    assert format_help_short("XX") == t("crisis.short_unknown")


# --- screening free text ------------------------------------------------------------------

POSITIVES = [
    "I want to kill myself",
    "I don't want to kill myself but the thought keeps coming",
    "i keep thinking about suicide",
    "feeling suicidal tonight",
    "I just want to die",
    "i wanna die",
    "I wish I was dead",
    "Everyone would be better off without me",
    "I don't want to be alive anymore",
    "I don’t want to wake up tomorrow",
    "I hope I don't wake up",
    "I'm going to end it all",
    "thinking about ending my life",
    "I want to take my own life",
    "I've been self-harming again",
    "I cut myself last night",
    "I want to hurt myself",
    "I took an overdose",
    "thinking of taking all my pills",
    "There's no reason to live",
    "nothing left to live for",
    "I can't go on anymore",
    "life isn't worth living",
    "I want to jump off a bridge",
    "KILL   MYSELF",
    "kill\nmyself",
    "Self-harm urges are back",
    "I want to unalive myself",
    "I'd rather be dead",
    "I feel like dying",
    "I don't want to live like this",
    "I want to disappear forever",
    "I wish someone would kill me",
    "Ich will nicht mehr leben",
    "Ich bin lebensmüde",
    "Ich denke an Suizid",
    "Quiero morir",
    "No quiero vivir más",
    "J'ai envie de mourir",
    "je veux en finir",
    "Quero morrer",
    "Não quero mais viver",
    "hoy me voy a quitar la vida",
    "Voglio morire",
    "ik wil dood",
    "how many ibuprofen does it take to die",
    "how much sertraline would it take",
]

NEGATIVES = [
    "",
    "this deadline is killing me",
    "my feet are killing me",
    "I'm dying of boredom",
    "I could die of embarrassment",
    "I'm dead tired",
    "you're killing it",
    "I'm going to die if this meeting runs over",
    "that joke killed me",
    "I killed it at the presentation",
    "My boss will kill me",
    "Killing time before my next session",
    "I'm so tired today",
    "work was a nightmare",
    "I feel like a failure",
    "I had a hard session with a client",
    "I'm exhausted and overwhelmed",
    "I overdid it at the gym",
    "I ran 10 kms today",
    "The plant on my desk died",
    "I'm dying to try that new café",
    "I want to live by the sea one day",
    "I'm burnt out",
    "Stuck in a dead end job",
    "I was cutting onions and cried",
    "I hurt my back",
    "I'm done with this project",
    "Das bringt mich noch um",
    "Me muero de risa",
    "Je meurs de faim",
    "Estou morrendo de fome",
]


@pytest.mark.parametrize("text", POSITIVES)
def test_screen_flags_signs_of_danger(text: str) -> None:
    assert screen_text(text)


@pytest.mark.parametrize("text", NEGATIVES)
def test_screen_ignores_ordinary_stress(text: str) -> None:
    assert not screen_text(text)


def test_screen_ignores_clear_denials() -> None:
    assert not screen_text("I don't want to kill myself")
    assert not screen_text("I'm not suicidal, just tired")


def test_screen_tables_are_large_enough() -> None:
    assert len(POSITIVES) >= 25
    assert len(NEGATIVES) >= 25


def test_an_everyday_phrase_close_to_a_passive_wish_is_at_most_asked_about() -> None:
    # the screen leans towards asking "are you safe right now?"; it never calls this urgent
    screen = screen_text("I don't want to wake up early tomorrow")
    assert screen.level is not Level.URGENT
