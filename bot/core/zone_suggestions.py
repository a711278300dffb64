"""Close spellings of a typed place ("Muncih": did you mean Munich, Europe/Berlin?).

Typed words are compared with every GeoNames city name (and other names) and every
zone name by edit similarity (``rapidfuzz``); a bigger city wins a close call, so
"Muncih" finds Munich rather than a village. One suggestion per zone, at most three.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

from bot.core.places import cities
from bot.core.timezones import canonical_zone, clean_place, offered_zones

MAX_SUGGESTIONS = 3
MIN_SIMILARITY = 75  # rapidfuzz ratio, 0-100
MIN_SIMILARITY_SHORT = 80  # for names under six letters, where one letter weighs more
_CANDIDATES = 60  # closest names looked at before weighing by population
_POPULATION_WEIGHT = 8  # points per tenfold population
_OTHER_NAME_PENALTY = 4  # a match on a city's other (or historic) name counts a little less
_MARGIN = 10  # suggestions within this many points of the best
_ZONE_POPULATION = 100_000  # a zone name weighs like a town of this size (a city wins a tie)


class Suggestion(NamedTuple):
    """One close spelling: a city (with its GeoNames id) or a zone name (id 0)."""

    name: str
    zone: str
    geonameid: int = 0


class _Entry(NamedTuple):
    geonameid: int
    zone: str
    bonus: float


@cache
def _city_index() -> tuple[list[str], list[_Entry]]:
    """Every city name key, each with its city: built once (under a second)."""
    keys: list[str] = []
    entries: list[_Entry] = []
    for city in cities().values():
        zone = canonical_zone(city.zone)
        if zone is None:
            continue
        weight = _POPULATION_WEIGHT * math.log10(max(city.population, 1))
        for position, key in enumerate(city.keys):
            if len(key) < 4:  # mostly airport codes: found when typed exactly, never guessed
                continue
            keys.append(key)
            entries.append(
                _Entry(city.geonameid, zone, weight - bool(position) * _OTHER_NAME_PENALTY)
            )
    return keys, entries


@cache
def _zone_index(*, full: bool) -> tuple[list[str], list[str]]:
    """Zone keys ("europe/berlin", or only the city part "berlin") and their zones."""
    zones = offered_zones()
    keys = list(zones) if full else [key.rsplit("/", 1)[-1] for key in zones]
    return keys, list(zones.values())


def _weighed(key: str) -> dict[str, tuple[float, Suggestion]]:
    """The best weighed suggestion per zone."""
    from rapidfuzz import fuzz, process  # on first need: it is not in the idle bot's memory

    best: dict[str, tuple[float, Suggestion]] = {}

    def keep(weight: float, suggestion: Suggestion) -> None:
        if suggestion.zone not in best or best[suggestion.zone][0] < weight:
            best[suggestion.zone] = (weight, suggestion)

    cutoff = MIN_SIMILARITY if len(key) >= 6 else MIN_SIMILARITY_SHORT
    zone_bonus = _POPULATION_WEIGHT * math.log10(_ZONE_POPULATION)
    zone_keys, zones = _zone_index(full="/" in key)
    for _match, score, index in process.extract(
        key, zone_keys, scorer=fuzz.ratio, limit=_CANDIDATES, score_cutoff=cutoff
    ):
        keep(score + zone_bonus, Suggestion(zones[index], zones[index]))
    if "/" in key:
        return best
    city_keys, entries = _city_index()
    for _match, score, index in process.extract(
        key, city_keys, scorer=fuzz.ratio, limit=_CANDIDATES, score_cutoff=cutoff
    ):
        entry = entries[index]
        city = cities()[entry.geonameid]
        keep(score + entry.bonus, Suggestion(city.name, entry.zone, entry.geonameid))
    return best


def suggest_zones(text: str) -> tuple[Suggestion, ...]:
    """Up to three close spellings of ``text``, the likeliest first (none if nothing is close)."""
    key = clean_place(text)
    if key is None or len(key.replace("/", "")) < 3:
        return ()
    ranked = sorted(_weighed(key).values(), key=lambda pair: (-pair[0], pair[1]))
    if not ranked:
        return ()
    top = ranked[0][0]
    return tuple(s for weight, s in ranked[:MAX_SUGGESTIONS] if weight >= top - _MARGIN)


def city_zone(geonameid: int) -> Suggestion | None:
    """The suggestion for a GeoNames id carried by a button, or None if there is no such city."""
    city = cities().get(geonameid)
    zone = canonical_zone(city.zone) if city is not None else None
    return Suggestion(city.name, zone, geonameid) if city is not None and zone else None


def zone_named(zone: str) -> str | None:
    """``zone`` if it is a zone this bot offers (carried by a button), else None."""
    return zone if zone in offered_zones().values() else None
