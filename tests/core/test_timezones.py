"""Tests for bot.core.timezones: parsing typed zones, zone -> country, local clock labels."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.timezones import COMMON_ZONES, country_for_zone, local_now_label, parse_timezone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # IANA names in any case, with spaces or underscores
        ("Europe/Berlin", "Europe/Berlin"),
        ("america/new_york", "America/New_York"),
        ("AMERICA/NEW YORK", "America/New_York"),
        ("Europe / Berlin", "Europe/Berlin"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("america/port-au-prince", "America/Port-au-Prince"),
        # city names (last part of a zone), accents and separators optional
        ("Berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("newyork", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("tokyo", "Asia/Tokyo"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("port au prince", "America/Port-au-Prince"),
        ("St. John's", "America/St_Johns"),
        ("Ho Chi Minh", "Asia/Ho_Chi_Minh"),
        ("Moscow", "Europe/Moscow"),
        ("Kyiv", "Europe/Kyiv"),
        ("Reykjavik", "Atlantic/Reykjavik"),
        # old city spellings resolve to the current zone
        ("Calcutta", "Asia/Kolkata"),
        ("Kiev", "Europe/Kyiv"),
        ("Saigon", "Asia/Ho_Chi_Minh"),
        ("Montreal", "America/Toronto"),
        # aliases
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("Delhi", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("Mumbai", "Asia/Kolkata"),
        ("India", "Asia/Kolkata"),
        ("NYC", "America/New_York"),
        ("San Francisco", "America/Los_Angeles"),
        ("Beijing", "Asia/Shanghai"),
        ("China", "Asia/Shanghai"),
        ("UK", "Europe/London"),
        ("Samoa", "Pacific/Apia"),
        ("Iceland", "Atlantic/Reykjavik"),
        # legacy names typed exactly are accepted and canonicalised
        ("US/Eastern", "America/New_York"),
        ("us/pacific", "America/Los_Angeles"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Japan", "Asia/Tokyo"),
        ("Etc/UTC", "UTC"),
        ("Zulu", "UTC"),
        ("Pacific/Samoa", "Pacific/Pago_Pago"),
        ("EST5EDT", "EST5EDT"),
        # a legacy link into another country is kept as typed
        ("Africa/Timbuktu", "Africa/Timbuktu"),
        # whitespace and trailing punctuation
        ("  Berlin  ", "Europe/Berlin"),
        ("Berlin.", "Europe/Berlin"),
        ("berlin!", "Europe/Berlin"),
        ("Tokyo?", "Asia/Tokyo"),
    ],
)
def test_parse_timezone_accepts(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "?",
        "/",
        "asdf",
        "12345",
        "x" * 5000,
        "Berlin" * 1000,
        "Europe/Berln",
        "Berlin, Germany",
        # fixed offsets and ambiguous abbreviations
        "UTC+3",
        "GMT+3",
        "Etc/GMT+5",
        "Etc/GMT-14",
        "EST",
        "CET",
        "MST",
        "Factory",
        # two-letter and regional names that could mean several zones
        "LA",
        "Eastern",
        "Pacific",
    ],
)
def test_parse_timezone_rejects(text: str) -> None:
    assert parse_timezone(text) is None


def test_parse_timezone_results_are_loadable_zones() -> None:
    for text in ("berlin", "nyc", "us/eastern", "gmt", "calcutta", "samoa"):
        zone = parse_timezone(text)
        assert zone is not None
        ZoneInfo(zone)


def test_common_zones_are_canonical_and_short() -> None:
    assert 8 <= len(COMMON_ZONES) <= 10
    labels = [label for label, _ in COMMON_ZONES]
    assert len(set(labels)) == len(labels)
    for label, zone in COMMON_ZONES:
        assert len(label) <= 12
        assert parse_timezone(zone) == zone
        ZoneInfo(zone)
    assert ("Delhi", "Asia/Kolkata") in COMMON_ZONES
    assert ("UTC", "UTC") in COMMON_ZONES


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Berlin", "DE"),
        ("America/New_York", "US"),
        ("Asia/Kolkata", "IN"),
        ("Europe/London", "GB"),
        ("America/Sao_Paulo", "BR"),
        ("Australia/Sydney", "AU"),
        ("Australia/Lord_Howe", "AU"),
        ("Europe/Amsterdam", "NL"),
        ("Atlantic/Reykjavik", "IS"),
        ("Pacific/Apia", "WS"),
        ("UTC", None),
        ("Etc/UTC", None),
        ("Etc/GMT+5", None),
        ("Nowhere/Atlantis", None),
        ("", None),
    ],
)
def test_country_for_zone(zone: str, country: str | None) -> None:
    assert country_for_zone(zone) == country


def test_every_common_zone_but_utc_has_a_country() -> None:
    for _, zone in COMMON_ZONES:
        if zone != "UTC":
            assert country_for_zone(zone) is not None


@pytest.mark.parametrize(
    ("now", "zone", "label"),
    [
        (datetime(2026, 7, 1, 12, 5, tzinfo=UTC), "Europe/Berlin", "14:05"),
        (datetime(2026, 1, 1, 12, 5, tzinfo=UTC), "Europe/Berlin", "13:05"),
        (datetime(2026, 1, 1, 12, 5, tzinfo=UTC), "Asia/Kolkata", "17:35"),
        (datetime(2026, 1, 1, 3, 0, tzinfo=UTC), "America/New_York", "22:00"),
        (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "UTC", "00:00"),
        (datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")), "UTC", "03:00"),
    ],
)
def test_local_now_label(now: datetime, zone: str, label: str) -> None:
    assert local_now_label(now, zone) == label


def test_local_now_label_rejects_naive() -> None:
    with pytest.raises(ValueError):
        local_now_label(datetime(2026, 1, 1, 12, 0), "UTC")  # noqa: DTZ001


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Munich", "Europe/Berlin"),
        ("München", "Europe/Berlin"),
        ("Manchester", "Europe/London"),  # the most populous Manchester
        ("Köln", "Europe/Berlin"),
        ("Cologne", "Europe/Berlin"),
        ("Kraków", "Europe/Warsaw"),
        ("Pune", "Asia/Kolkata"),
        ("Tulsa", "America/Chicago"),
    ],
)
def test_any_city_a_person_would_type(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


def test_a_made_up_place_is_not_found() -> None:
    assert parse_timezone("Qwertyuiop") is None
