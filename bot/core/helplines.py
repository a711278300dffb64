"""Who to contact in each country: the helpline data, validated, and what to show whom.

The data ships in ``bot/data/crisis_lines.json`` (sources and caveats in
``bot/data/CRISIS_LINES_SOURCES.md``) and is used exactly as written there. Showing help
follows the data's suggested behaviour: the emergency number first, then the country's
``high`` lines, then its ``medium`` lines (with their hours), and a ``low`` line only
together with its note. The international directories are added when the country is
unknown or has no ``high`` line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

DATA_FILE = Path(__file__).parents[1] / "data" / "crisis_lines.json"

Confidence = Literal["high", "medium", "low"]
_CONFIDENCE_ORDER: Mapping[str, int] = {"high": 0, "medium": 1, "low": 2}
_COUNTRY_ALIASES: Mapping[str, str] = {"UK": "GB"}


class CrisisDataError(ValueError):
    """The crisis lines file is malformed."""


@dataclass(frozen=True)
class CrisisLine:
    """One helpline, as recorded in the data file."""

    name: str
    confidence: Confidence
    source: str
    phone: str | None = None
    alt_phones: tuple[str, ...] = ()
    sms: str | None = None
    whatsapp: str | None = None
    url: str | None = None
    hours: str | None = None
    audience: str | None = None
    languages: str | None = None
    cost: str | None = None
    note: str | None = None
    source_date: str | None = None
    additional_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Country:
    """A country's emergency number and helplines."""

    code: str
    name: str
    emergency: str
    emergency_source: str
    lines: tuple[CrisisLine, ...]
    emergency_note: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Fallback:
    """An international directory of helplines."""

    name: str
    url: str
    source: str


@dataclass(frozen=True)
class CrisisDirectory:
    """The whole data file: countries by ISO alpha-2 code, and the fallbacks."""

    compiled: str
    source_note: str
    fallbacks: tuple[Fallback, ...]
    countries: Mapping[str, Country]


@dataclass(frozen=True)
class CountryHelp:
    """What to show one person: emergency number, helplines in order, directories."""

    country: Country | None
    emergency: str | None
    emergency_note: str | None
    lines: tuple[CrisisLine, ...]
    fallbacks: tuple[Fallback, ...]


def _require_str(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CrisisDataError(f"{where}: {key!r} must be a non-empty string")
    return value


def _optional_str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CrisisDataError(f"{where}: {key!r} must be a string or null")
    return value or None


def _str_tuple(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CrisisDataError(f"{where}: {key!r} must be a list of strings")
    return tuple(cast(list[str], value))


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise CrisisDataError(f"{where} must be an object")
    return cast(dict[str, Any], value)


def _parse_line(raw: object, where: str) -> CrisisLine:
    data = _mapping(raw, where)
    confidence = data.get("confidence")
    if confidence not in _CONFIDENCE_ORDER:
        raise CrisisDataError(f"{where}: unknown confidence {confidence!r}")
    line = CrisisLine(
        name=_require_str(data, "name", where),
        confidence=cast(Confidence, confidence),
        source=_require_str(data, "source", where),
        phone=_optional_str(data, "phone", where),
        alt_phones=_str_tuple(data, "alt_phones", where),
        sms=_optional_str(data, "sms", where),
        whatsapp=_optional_str(data, "whatsapp", where),
        url=_optional_str(data, "url", where),
        hours=_optional_str(data, "hours", where),
        audience=_optional_str(data, "audience", where),
        languages=_optional_str(data, "languages", where),
        cost=_optional_str(data, "cost", where),
        note=_optional_str(data, "note", where),
        source_date=_optional_str(data, "source_date", where),
        additional_sources=_str_tuple(data, "additional_sources", where),
    )
    if not (line.phone or line.sms or line.whatsapp):
        raise CrisisDataError(f"{where}: a line needs a phone, sms or whatsapp number")
    return line


def _parse_country(code: str, raw: object) -> Country:
    where = f"countries.{code}"
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise CrisisDataError(f"{where}: key must be an ISO alpha-2 code")
    data = _mapping(raw, where)
    raw_lines = data.get("lines", [])
    if not isinstance(raw_lines, list):
        raise CrisisDataError(f"{where}: 'lines' must be a list")
    return Country(
        code=code,
        name=_require_str(data, "country", where),
        emergency=_require_str(data, "emergency", where),
        emergency_source=_require_str(data, "emergency_source", where),
        lines=tuple(_parse_line(line, f"{where}.lines[{i}]") for i, line in enumerate(raw_lines)),
        emergency_note=_optional_str(data, "emergency_note", where),
        note=_optional_str(data, "note", where),
    )


def parse_crisis_lines(raw: object) -> CrisisDirectory:
    """Validate the decoded JSON of a crisis lines file into a directory."""
    data = _mapping(raw, "crisis lines file")
    raw_fallbacks = data.get("international_fallback")
    if not isinstance(raw_fallbacks, list) or not raw_fallbacks:
        raise CrisisDataError("'international_fallback' must be a non-empty list")
    fallbacks = []
    for i, item in enumerate(raw_fallbacks):
        where = f"international_fallback[{i}]"
        entry = _mapping(item, where)
        fallbacks.append(
            Fallback(
                name=_require_str(entry, "name", where),
                url=_require_str(entry, "url", where),
                source=_require_str(entry, "source", where),
            )
        )
    countries = _mapping(data.get("countries"), "'countries'")
    return CrisisDirectory(
        compiled=_require_str(data, "compiled", "crisis lines file"),
        source_note=_require_str(data, "source_note", "crisis lines file"),
        fallbacks=tuple(fallbacks),
        countries=MappingProxyType(
            {code: _parse_country(code, entry) for code, entry in countries.items()}
        ),
    )


@cache
def load_crisis_lines() -> CrisisDirectory:
    """The crisis lines shipped with the bot (read once, then cached)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return parse_crisis_lines(json.load(fh))


def _country_code(country: str | None) -> str | None:
    if country is None:
        return None
    code = country.strip().upper()
    return _COUNTRY_ALIASES.get(code, code) or None


def _shown_lines(lines: Sequence[CrisisLine]) -> tuple[CrisisLine, ...]:
    shown = [line for line in lines if line.confidence != "low" or line.note]
    return tuple(sorted(shown, key=lambda line: _CONFIDENCE_ORDER[line.confidence]))


def help_for_country(country: str | None) -> CountryHelp:
    """The help to show for an ISO alpha-2 country code (None or unknown: fallbacks)."""
    directory = load_crisis_lines()
    code = _country_code(country)
    entry = directory.countries.get(code) if code else None
    if entry is None:
        return CountryHelp(None, None, None, (), directory.fallbacks)
    lines = _shown_lines(entry.lines)
    has_high = any(line.confidence == "high" for line in lines)
    return CountryHelp(
        country=entry,
        emergency=entry.emergency,
        emergency_note=entry.emergency_note,
        lines=lines,
        fallbacks=() if has_high else directory.fallbacks,
    )
