"""Help lines for people in danger from other people: partner and sexual violence, stalking.

The data ships in ``bot/data/violence_lines.json`` (sources and caveats in
``bot/data/VIOLENCE_LINES_SOURCES.md``) and is shown exactly as written there. Its
emergency numbers are those of ``crisis_lines.json``; this file adds the lines. As its
sources file suggests: partner violence first, then sexual violence, then stalking and
victim support; ``high`` before ``medium`` (with hours); a ``low`` line only with its note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from bot.core.helplines import CrisisDataError, CrisisLine
from bot.ui.helplines import format_line
from bot.ui.texts import t

DATA_FILE = Path(__file__).parents[1] / "data" / "violence_lines.json"

# the kinds shown for danger from another adult, in this order; child lines are for minors
KIND_ORDER: tuple[str, ...] = (
    "domestic_violence",
    "sexual_violence",
    "stalking",
    "general_victims",
)
_CONFIDENCE = {"high": 0, "medium": 1, "low": 2}
_COUNTRY_ALIASES: Mapping[str, str] = {"UK": "GB"}


@dataclass(frozen=True)
class ViolenceLine:
    """One line, with the kinds of danger it takes."""

    kinds: tuple[str, ...]
    line: CrisisLine


@dataclass(frozen=True)
class ViolenceDirectory:
    """Lines by ISO alpha-2 country code, the emergency notes, and the directories."""

    countries: Mapping[str, tuple[ViolenceLine, ...]]
    emergency_notes: Mapping[str, str]
    fallbacks: tuple[tuple[str, str], ...]


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise CrisisDataError(f"violence lines: {key!r} must be a string or null")
    return value or None


def _parse_line(data: Mapping[str, Any]) -> ViolenceLine:
    kind = _text(data, "kind")
    name = _text(data, "name")
    source = _text(data, "source")
    confidence = data.get("confidence")
    if not kind or not name or not source or confidence not in _CONFIDENCE:
        raise CrisisDataError(f"violence lines: incomplete line {name!r}")
    also = data.get("also_covers") or []
    line = CrisisLine(
        name=name,
        confidence=confidence,
        source=source,
        phone=_text(data, "phone"),
        alt_phones=tuple(data.get("alt_phones") or ()),
        sms=_text(data, "sms"),
        whatsapp=_text(data, "whatsapp"),
        url=_text(data, "url"),
        hours=_text(data, "hours"),
        note=_text(data, "note"),
    )
    return ViolenceLine(kinds=(kind, *also), line=line)


def parse_violence_lines(raw: object) -> ViolenceDirectory:
    """Validate the decoded JSON of a violence lines file."""
    if not isinstance(raw, dict) or not isinstance(raw.get("countries"), dict):
        raise CrisisDataError("violence lines file: 'countries' must be an object")
    data = cast(dict[str, Any], raw)
    countries: dict[str, tuple[ViolenceLine, ...]] = {}
    notes: dict[str, str] = {}
    for code, entry in data["countries"].items():
        countries[code] = tuple(_parse_line(line) for line in entry.get("lines", []))
        if note := entry.get("emergency_note"):
            notes[code] = note
    fallbacks = tuple((f["name"], f["url"]) for f in data.get("international_fallback", []))
    return ViolenceDirectory(MappingProxyType(countries), MappingProxyType(notes), fallbacks)


@cache
def load_violence_lines() -> ViolenceDirectory:
    """The violence lines shipped with the bot (read once, then cached)."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return parse_violence_lines(json.load(fh))


def _rank(line: ViolenceLine) -> tuple[int, int]:
    kind = min(KIND_ORDER.index(k) for k in line.kinds if k in KIND_ORDER)
    return (_CONFIDENCE[line.line.confidence], kind)


def lines_for_country(country: str | None, limit: int = 4) -> tuple[CrisisLine, ...]:
    """The lines to show someone in danger from another adult, best first."""
    code = (country or "").strip().upper()
    found = load_violence_lines().countries.get(_COUNTRY_ALIASES.get(code, code), ())
    shown = [
        v
        for v in found
        if any(k in KIND_ORDER for k in v.kinds)
        and (v.line.confidence != "low" or v.line.note)
        and (v.line.phone or v.line.sms or v.line.whatsapp or v.line.url)
    ]
    return tuple(v.line for v in sorted(shown, key=_rank)[:limit])


def format_violence_line(line: CrisisLine, language: str | None = None) -> str:
    """One line as text (a website-only service shows its address)."""
    if line.phone or line.sms or line.whatsapp:
        return format_line(line, language)
    return t("crisis.line", language, name=line.name, details=line.url or "")


def emergency_note(country: str | None) -> str | None:
    """A violence-specific emergency tip for the country (e.g. the UK's silent 55), if any."""
    code = (country or "").strip().upper()
    return load_violence_lines().emergency_notes.get(_COUNTRY_ALIASES.get(code, code))


def fallback_directories() -> tuple[tuple[str, str], ...]:
    """International directories of violence help lines: (name, url)."""
    return load_violence_lines().fallbacks


def child_lines(country: str | None, limit: int = 2) -> tuple[CrisisLine, ...]:
    """Child helplines (kind ``child``) of the country, best first."""
    code = (country or "").strip().upper()
    found = load_violence_lines().countries.get(_COUNTRY_ALIASES.get(code, code), ())
    shown = [
        v.line
        for v in found
        if "child" in v.kinds and v.line.confidence != "low" and (v.line.phone or v.line.url)
    ]
    order = sorted(shown, key=lambda line: _CONFIDENCE[line.confidence])
    return tuple(order[:limit])


def child_directory() -> tuple[str, str] | None:
    """The international directory of child helplines: (name, url)."""
    return next((f for f in fallback_directories() if "Child Helpline" in f[0]), None)
