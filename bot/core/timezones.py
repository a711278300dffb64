"""Time zones: understand what a person types, and what a zone means.

Zone data comes from the ``tzdata`` package: the names from
``zoneinfo.available_timezones()``, the zone -> country map from ``zone.tab`` and
legacy link names from ``tzdata.zi``. Everything is read lazily and cached.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, available_timezones

from bot.core.places import city_zones
from bot.core.places import place_key as _key

UTC_ZONE = "UTC"

COMMON_ZONES: tuple[tuple[str, str], ...] = (
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Chicago", "America/Chicago"),
    ("Los Angeles", "America/Los_Angeles"),
    ("São Paulo", "America/Sao_Paulo"),
    ("Delhi", "Asia/Kolkata"),
    ("Sydney", "Australia/Sydney"),
    ("UTC", UTC_ZONE),
)

MAX_INPUT_LENGTH = 100

# Keys are normalised with ``_key`` (lower case, no accents, no spaces, underscores,
# hyphens, dots or apostrophes). Only names that clearly mean one zone belong here.
_ALIASES: dict[str, str] = {
    "utc": UTC_ZONE,
    "gmt": UTC_ZONE,
    "india": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "newdelhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "nyc": "America/New_York",
    "newyorkcity": "America/New_York",
    "sanfrancisco": "America/Los_Angeles",
    "beijing": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "uk": "Europe/London",
    "iceland": "Atlantic/Reykjavik",
    "samoa": "Pacific/Apia",
}

# Abbreviations that name a fixed offset or are ambiguous: better to ask for a city.
_REJECTED = frozenset({"EST", "MST", "HST", "CET", "MET", "EET", "WET", "Factory", "localtime"})

# Legacy names whose tzdata link points into another country: never resolved, so a
# zone typed this way does not silently change country.
_CROSS_BORDER_LINKS = frozenset(
    {
        "Africa/Asmera",
        "Africa/Timbuktu",
        "America/Coral_Harbour",
        "America/Virgin",
        "Antarctica/South_Pole",
        "Atlantic/Jan_Mayen",
        "Iceland",
        "Pacific/Johnston",
        "Pacific/Ponape",
        "Pacific/Truk",
        "Pacific/Yap",
    }
)

_UTC_TARGETS = frozenset({"Etc/UTC", "Etc/GMT", UTC_ZONE})

# Regions whose legacy link names are real place names (unlike US/, Canada/, Australia/).
_PLACE_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Europe", "Indian", "Pacific"}
)

_TRAILING_PUNCTUATION = ".,;:!?\"'"


def _read_tzdata(name: str) -> str:
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@cache
def _zone_countries() -> dict[str, str]:
    countries: dict[str, str] = {}
    for line in _read_tzdata("zone.tab").splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            countries[fields[2]] = fields[0]
    return countries


@cache
def _links() -> dict[str, str]:
    links: dict[str, str] = {}
    for line in _read_tzdata("tzdata.zi").splitlines():
        if line.startswith("L "):
            fields = line.split()
            if len(fields) == 3:
                links[fields[2]] = fields[1]
    return links


def _canonical(name: str) -> str | None:
    """The zone to store for an existing tz name, or None if it should not be offered."""
    if name in _REJECTED:
        return None
    links = _links()
    target = links.get(name, name)
    if name in _UTC_TARGETS or links.get(target, target) in _UTC_TARGETS:
        return UTC_ZONE
    if name.startswith("Etc/"):
        return None
    countries = _zone_countries()
    if name in countries or name in _CROSS_BORDER_LINKS:
        return name
    return target if target in countries else name


@cache
def _full_names() -> dict[str, str]:
    return {_key(name): name for name in sorted(available_timezones())}


@cache
def _city_names() -> dict[str, str]:
    """City key -> zone: zone.tab cities first, then legacy city spellings."""
    countries = _zone_countries()
    cities = {_key(zone.rsplit("/", 1)[-1]): zone for zone in countries}
    for name, target in sorted(_links().items()):
        if name in countries or name in _CROSS_BORDER_LINKS or target not in countries:
            continue
        if name.split("/", 1)[0] not in _PLACE_REGIONS:
            continue
        cities.setdefault(_key(name.rsplit("/", 1)[-1]), target)
    return cities


def parse_timezone(text: str) -> str | None:
    """The IANA zone meant by a typed zone name, city or common alias, or None."""
    key = clean_place(text)
    if key is None:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    full = _full_names().get(key)
    if full is not None:
        return _canonical(full)
    city = _city_names().get(key)
    if city is not None or "/" in key:
        return city
    zone = city_zones().get(key)
    return _canonical(zone) if zone else None


def canonical_zone(name: str) -> str | None:
    """The zone to store for the tz name ``name``, or None if it is not one to offer."""
    return _canonical(name) if name in _full_names().values() else None


@cache
def offered_zones() -> dict[str, str]:
    """Zone key ("europe/berlin") -> zone, for every zone of ``zone.tab``."""
    return {"/".join(_key(part) for part in zone.split("/")): zone for zone in _zone_countries()}


def clean_place(text: str) -> str | None:
    """The matching key of a typed place ("new york" -> "newyork"), or None if unusable."""
    if len(text) > MAX_INPUT_LENGTH:
        return None
    cleaned = text.strip().rstrip(_TRAILING_PUNCTUATION).strip()
    key = "/".join(_key(part) for part in cleaned.split("/"))
    return key if key.replace("/", "") else None


def country_for_zone(zone: str) -> str | None:
    """The ISO 3166 alpha-2 country of a zone according to ``zone.tab``, or None."""
    return _zone_countries().get(zone)


def local_now_label(now_utc: datetime, zone: str) -> str:
    """The local wall-clock time ("14:05") in ``zone`` at the instant ``now_utc``."""
    if now_utc.tzinfo is None:
        raise ValueError("now_utc must be timezone-aware")
    return now_utc.astimezone(ZoneInfo(zone)).strftime("%H:%M")
