"""Crisis answers for every country: emergency number first, sourced lines, within limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.helplines import load_crisis_lines
from bot.ui.safety_text import (
    MESSAGE_LIMIT,
    format_concern,
    format_danger_now,
    format_plan,
    format_sos,
    format_support,
)
from bot.ui.violence_lines import (
    DATA_FILE,
    lines_for_country,
    load_violence_lines,
)

SHARED = Path(__file__).parents[3] / "shared" / "data" / "violence_lines.json"
COUNTRIES = sorted(load_crisis_lines().countries)


def _answers(country: str | None) -> list[str]:
    return [
        format_danger_now(country),
        format_danger_now(country, from_others=True),
        format_danger_now(country, someone_else=True),
        format_concern(country),
        format_support(country),
        format_sos(country),
    ]


@pytest.mark.parametrize("country", [*COUNTRIES, None])
def test_every_answer_fits_and_starts_with_the_emergency_number(country: str | None) -> None:
    emergency = load_crisis_lines().countries[country].emergency if country else None
    for text in _answers(country):
        assert 0 < len(text) <= MESSAGE_LIMIT
        if emergency is None:
            assert "local emergency number" in text
        else:
            first_digit = next(i for i, ch in enumerate(text) if ch.isdigit())
            assert text.index(emergency.split()[0].split("/")[0]) <= first_digit + 1


@pytest.mark.parametrize("country", COUNTRIES)
def test_violence_lines_are_shown_exactly_as_sourced(country: str) -> None:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))["countries"].get(country, {})
    sourced = {line["name"]: line for line in raw.get("lines", [])}
    text = format_danger_now(country, from_others=True)
    for line in lines_for_country(country):
        entry = sourced[line.name]
        assert entry["source"]
        assert line.confidence != "low" or line.note
        if line.phone:
            assert line.phone == entry["phone"]
            if line.name in text:
                assert line.phone in text


def test_the_shipped_violence_lines_are_the_shared_copy() -> None:
    if not SHARED.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert DATA_FILE.read_bytes() == SHARED.read_bytes()


def test_partner_violence_comes_before_other_kinds_in_the_uk() -> None:
    names = [line.name for line in lines_for_country("GB")]
    assert names[0].startswith("National Domestic Abuse Helpline")
    assert not any("Childline" in name for name in names)  # children's lines are for minors
    assert load_violence_lines().emergency_notes["GB"].startswith("If you cannot speak")


def test_the_note_on_reaching_the_police_is_not_called_an_emergency_number() -> None:
    text = format_danger_now("NL", from_others=True)
    note = load_violence_lines().emergency_notes["NL"]
    assert note.startswith("Police non-emergency") and f"\n{note}" in text
    assert "Emergency numbers:" not in text


def test_unknown_country_gets_directories_for_violence() -> None:
    text = format_danger_now(None, from_others=True)
    assert "local emergency number" in text and "https://" in text
    assert "childhelplineinternational" not in text


def test_a_plan_shows_only_its_filled_parts_in_order() -> None:
    shown = format_plan([("warning_signs", "not sleeping"), ("reasons", "my dog")])
    assert shown == (
        "Your safety plan\n\nWarning signs\nnot sleeping\n\nMy reasons for living\nmy dog"
    )
    assert format_plan([]) is None


@pytest.mark.parametrize("country", [*COUNTRIES, None])
def test_sos_lists_the_international_directories_for_everyone(country: str | None) -> None:
    text = format_sos(country)
    if country is None:
        assert text.index("findahelpline") < text.index("gnws.org")
        return
    directory = load_crisis_lines().fallbacks[0].url
    assert directory in text
    assert text.rindex("https://") == text.rindex(load_crisis_lines().fallbacks[-1].url)
