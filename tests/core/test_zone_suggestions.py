"""Close spellings of typed places: real misspellings find the city a person meant."""

from __future__ import annotations

import time

import pytest

from bot.core.timezones import parse_timezone
from bot.core.zone_suggestions import (
    MAX_SUGGESTIONS,
    Suggestion,
    city_zone,
    suggest_zones,
    zone_named,
)
from bot.ui.callbacks import parse
from bot.ui.keyboards import zone_suggestions

MISSPELLINGS = [
    ("Muncih", "Munich", "Europe/Berlin"),
    ("Manchestr", "Manchester", "Europe/London"),
    ("Barcelna", "Barcelona", "Europe/Madrid"),
    ("Los Angelos", "Los Angeles", "America/Los_Angeles"),
    ("Sidney", "Sydney", "Australia/Sydney"),
    ("Amsterdm", "Amsterdam", "Europe/Amsterdam"),
    ("Frankfrut", "Frankfurt am Main", "Europe/Berlin"),
    ("Bangalor", "Bengaluru", "Asia/Kolkata"),
    ("Chikago", "Chicago", "America/Chicago"),
    ("Melbourn", "Melbourne", "Australia/Melbourne"),
    ("Torronto", "Toronto", "America/Toronto"),
    ("Copenhagn", "Copenhagen", "Europe/Copenhagen"),
    ("Brussells", "Brussels", "Europe/Brussels"),
    ("Buenos Aries", "Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("Rio de Janiero", "Rio de Janeiro", "America/Sao_Paulo"),
    ("Seatle", "Seattle", "America/Los_Angeles"),
]


@pytest.mark.parametrize(("typed", "city", "zone"), MISSPELLINGS)
def test_a_misspelled_city_suggests_the_big_city_first(typed: str, city: str, zone: str) -> None:
    suggestions = suggest_zones(typed)
    assert 1 <= len(suggestions) <= MAX_SUGGESTIONS
    first = suggestions[0]
    assert (first.name, first.zone) == (city, zone)
    assert city_zone(first.geonameid) == first  # what the button carries finds it again


def test_one_suggestion_per_zone_and_a_shared_name_in_two_zones() -> None:
    suggestions = suggest_zones("Barcelna")
    zones = [s.zone for s in suggestions]
    assert len(zones) == len(set(zones))
    assert zones[:2] == ["Europe/Madrid", "America/Caracas"]  # Spain's, then Venezuela's


def test_a_misspelled_zone_name_suggests_the_zone() -> None:
    assert suggest_zones("Europe/Berlni") == (Suggestion("Europe/Berlin", "Europe/Berlin"),)
    assert suggest_zones("America/Los_Angels")[0].zone == "America/Los_Angeles"


@pytest.mark.parametrize("typed", ["qwertyuiop", "asdf", "", "   ", "ab", "/", "x" * 101])
def test_nothing_close_suggests_nothing(typed: str) -> None:
    assert suggest_zones(typed) == ()


def test_exact_places_need_no_suggestion() -> None:
    # the suggestions are only asked for when the exact look-up finds nothing
    assert parse_timezone("Muncih") is None
    assert parse_timezone("Munich") == "Europe/Berlin"


def test_button_references_are_checked() -> None:
    assert city_zone(0) is None
    assert city_zone(999_999_999) is None
    assert zone_named("Europe/Berlin") == "Europe/Berlin"
    assert zone_named("Europe/Atlantis") is None
    assert zone_named("Etc/GMT+5") is None


def test_suggestion_buttons_fit_telegram_and_parse_back() -> None:
    longest = Suggestion("America/North_Dakota/New_Salem", "America/North_Dakota/New_Salem")
    keyboard = zone_suggestions([*suggest_zones("Muncih"), longest], None)
    datas = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert all(isinstance(d, str) and len(d.encode()) <= 64 - len(":timezone") for d in datas)
    parsed = [parse(str(d)) for d in datas]
    assert [(p.action, p.value) for p in parsed if p is not None] == [
        ("tzcity", str(suggest_zones("Muncih")[0].geonameid)),
        ("tzname", "America/North_Dakota/New_Salem"),
        ("tzother", ""),
    ]
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert labels[:2] == ["Munich (Europe/Berlin)", "America/North_Dakota/New_Salem"]


def test_suggestions_are_quick_after_the_first_load() -> None:
    suggest_zones("Muncih")  # the first look-up reads the city tables
    typed = [typed for typed, _city, _zone in MISSPELLINGS]
    started = time.perf_counter()
    for word in typed:
        suggest_zones(word)
    per_lookup = (time.perf_counter() - started) / len(typed)
    assert per_lookup < 0.1, f"{per_lookup * 1000:.1f} ms per look-up"
