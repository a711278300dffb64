"""Crisis support: who to contact in each country, and a screen for signs of danger.

The helpline data ships in ``bot/data/crisis_lines.json`` (sources and caveats in
``bot/data/CRISIS_LINES_SOURCES.md``) and is shown exactly as written there.

Showing help follows the data's suggested behaviour: the emergency number first,
then the country's ``high`` lines, then its ``medium`` lines (with their hours),
and a ``low`` line only together with its note. The international directories are
added when the country is unknown or has no ``high`` line.

:func:`screen_text` is deliberately broad: it prefers a gentle, unneeded offer of
help over missing someone in danger. Negation is not understood ("I don't want to
kill myself" still matches), and some everyday phrases match too ("I overdosed on
coffee", "I cut myself cooking", "I'm killing myself at work"). Figures of speech
that mention death or killing without the person turning it on themselves do not
match: "this deadline is killing me", "my feet are killing me", "I'm dying of
boredom", "I could die of embarrassment", "I'm dead tired", "I'm going to die if
this meeting runs over". Harsh self-talk and exhaustion ("I hate myself", "I can't
do this anymore", "I want to give up") are what a self-compassion break is for, so
they do not match on their own.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from bot.texts import t

DATA_FILE = Path(__file__).parent / "data" / "crisis_lines.json"
MESSAGE_LIMIT = 4096

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


def _primary_contact(line: CrisisLine, language: str | None) -> str:
    if line.phone and line.phone == line.sms:
        return t("crisis.contact.call_or_text", language, number=line.phone)
    if line.phone:
        return t("crisis.contact.call", language, number=line.phone)
    if line.sms:
        return t("crisis.contact.text", language, number=line.sms)
    return t("crisis.contact.whatsapp", language, number=line.whatsapp)


def _contacts(line: CrisisLine, language: str | None) -> str:
    contacts = [_primary_contact(line, language)]
    if line.phone:
        contacts += [t("crisis.contact.alternative", language, number=n) for n in line.alt_phones]
        if line.sms and line.sms != line.phone:
            contacts.append(t("crisis.contact.text", language, number=line.sms))
    if line.whatsapp and (line.phone or line.sms):
        contacts.append(t("crisis.contact.whatsapp", language, number=line.whatsapp))
    return t("crisis.join.contacts", language).join(contacts)


def format_line(line: CrisisLine, language: str | None = None) -> str:
    """One helpline as text: name, numbers, hours and website (plus its note if low)."""
    details = [_contacts(line, language)]
    if line.hours:
        details.append(t("crisis.contact.hours", language, hours=line.hours))
    if line.url:
        details.append(t("crisis.contact.url", language, url=line.url))
    text = t(
        "crisis.line",
        language,
        name=line.name,
        details=t("crisis.join.details", language).join(details),
    )
    if line.confidence == "low" and line.note:
        text += "\n" + t("crisis.low_confidence", language, note=line.note)
    return text


def _emergency_text(help_: CountryHelp, language: str | None) -> str:
    if help_.emergency is None:
        return t("crisis.emergency_unknown", language)
    text = t("crisis.emergency", language, number=help_.emergency)
    if help_.emergency_note:
        text += "\n" + t("crisis.emergency_note", language, note=help_.emergency_note)
    return text


def _fallback_text(help_: CountryHelp, language: str | None) -> str:
    heading = "crisis.fallback_more_heading" if help_.lines else "crisis.fallback_heading"
    rows = [t(heading, language)]
    rows += [t("crisis.fallback", language, name=f.name, url=f.url) for f in help_.fallbacks]
    return "\n".join(rows)


def _fit(head: str, lines: list[str], tail: str, limit: int) -> str:
    """Join the blocks, dropping helplines from the end (then the directories) to fit."""
    while True:
        blocks = [head]
        if len(lines) > 1:
            blocks.append("\n".join(lines))
        if tail:
            blocks.append(tail)
        text = "\n\n".join(blocks)
        if len(text) <= limit:
            return text
        if len(lines) > 1:
            lines = lines[:-1]
        elif tail:
            tail = ""
        else:
            return text[: text.rfind("\n", 0, limit)] if "\n" in text[:limit] else text[:limit]


def _help_text(help_: CountryHelp, language: str | None, limit: int) -> str:
    lines = [t("crisis.lines_heading", language)] if help_.lines else []
    lines += [format_line(line, language) for line in help_.lines]
    tail = _fallback_text(help_, language) if help_.fallbacks else ""
    return _fit(_emergency_text(help_, language), lines, tail, limit)


def format_help(country: str | None, language: str | None = None) -> str:
    """The plain-text help message for a country: emergency number first, then helplines."""
    return _help_text(help_for_country(country), language, MESSAGE_LIMIT)


def format_help_short(country: str | None, language: str | None = None) -> str:
    """One or two lines for the welcome: emergency number and the first well-checked line."""
    help_ = help_for_country(country)
    if help_.emergency is None:
        return t("crisis.short_unknown", language)
    first = next((line for line in help_.lines if line.confidence == "high"), None)
    if first is None:
        return t("crisis.short_no_line", language, number=help_.emergency)
    line = t(
        "crisis.short_line", language, name=first.name, contact=_primary_contact(first, language)
    )
    return t("crisis.short", language, number=help_.emergency, line=line)


def _with_intro(intro: str, country: str | None, language: str | None, outro: str = "") -> str:
    reserved = len(intro) + 2 + (len(outro) + 2 if outro else 0)
    body = _help_text(help_for_country(country), language, MESSAGE_LIMIT - reserved)
    return "\n\n".join(part for part in (intro, body, outro) if part)


def format_urgent(country: str | None, language: str | None = None) -> str:
    """The /urgent reply: a short intro, then the help for the country."""
    return _with_intro(t("crisis.urgent_intro", language), country, language)


def format_screen_reply(country: str | None, language: str | None = None, variant: int = 0) -> str:
    """The gentle reply when :func:`screen_text` matched, followed by the help list."""
    intro = t("crisis.screen_reply", language, variant=variant)
    return _with_intro(intro, country, language, t("crisis.screen_outro", language))


_APOSTROPHES = "'’‘`´ʼ′"
_FILLER = r"(?:(?:just|really|simply|honestly|literally|actually|kind of|kinda|sometimes|still) )*"
_NOT_WANT = (
    r"(?:dont|do not|doesnt|never|no longer|not) (?:really )?(?:want|wanna|feel like)(?: to)?"
)
_ANYMORE = r"(?:any ?more|any longer)"

_SCREEN_PATTERNS: tuple[str, ...] = (
    # English: suicide, dying, not wanting to live
    r"suicid\w*",
    r"sewerslide",
    r"unalive\w*",
    r"(?<![0-9] )kms",
    r"kill(?:ing|ed|s)? my ?self",
    r"(?:want|wish) (?:someone|somebody) (?:would |to |could )?kill me",
    r"(?:take|taking|took) my (?:own )?life",
    r"end(?:ing|ed)? (?:my|my own) life",
    r"end(?:ing)? (?:it all|everything|things for good|it for good)",
    r"end it (?:tonight|today|now)",
    r"(?:thinking|thought) (?:about|of) ending it",
    r"(?:want|wish|wanting) (?:for )?(?:it all|everything) to (?:end|stop|be over)",
    r"(?:want|wanna|wanted|wish|wishing|wished) (?:to |i could |i would )?"
    + _FILLER
    + r"(?:die|be dead|disappear|not exist|stop existing|not be here|sleep forever)",
    r"(?:ready|deserve|rather|prefer) (?:to )?" + _FILLER + r"(?:die|be dead|not exist)",
    r"(?:wish|wished) i (?:was|were|had) (?:dead|never (?:been )?born)",
    r"feel like dying(?! (?:of|from|laughing|inside))",
    r"better off (?:dead|without me|if i (?:wasnt|werent|was not|were not|was gone|were gone|"
    r"died))",
    r"(?:be|been) better (?:off )?without me",
    r"(?:no|not any|nothing) (?:reason|point|purpose) (?:in |to |of )?"
    r"(?:living|live|being alive|going on|carrying on|staying alive)",
    r"nothing (?:left )?to live for",
    r"(?:life|living|my life) (?:isnt|is not|aint|doesnt feel|does not feel|is no longer) "
    r"worth (?:it|living)",
    r"not worth living",
    _NOT_WANT
    + " "
    + _FILLER
    + r"(?:live(?! (?:in|with|at|near|there|on|by|together|abroad|alone))|living|be alive|"
    + r"exist|wake up(?! (?:early|so early|at|before))|be here "
    + _ANYMORE
    + r"|be around "
    + _ANYMORE
    + r"|go on living|continue living)",
    r"(?:hope|hoping|pray|praying|wish) (?:that )?i (?:dont|do not|never|wont|will not) wake up",
    r"(?:go to sleep|fall asleep|sleep) and (?:not|never) wake up",
    r"never wake up again",
    r"cant (?:go on|keep going|carry on) (?:living|" + _ANYMORE + r"|like this " + _ANYMORE + ")",
    r"tired of (?:living|being alive)",
    r"(?:done|finished) with (?:living|life)",
    # English: self-harm and means
    r"self ?harm\w*",
    r"self ?injur\w*",
    r"self ?mutilat\w*",
    r"(?:hurt|hurting|harm|harming|cut|cutting|burn|burning) my ?self",
    r"cut(?:ting)? (?:my )?(?:wrists?|arms?|thighs?|legs?)",
    r"slit(?:ting)? (?:my )?wrists?",
    r"hang(?:ing)? my ?self",
    r"overdos\w*",
    r"(?:take|took|taking|swallow|swallowed|swallowing) (?:all|a bunch|a handful|too many|"
    r"the whole (?:bottle|box|pack))(?: of)? (?:my |the |those |these )?(?:pills|tablets|meds)",
    r"jump(?:ing)? (?:off|from) (?:a|the|my|this) (?:bridge|roof|building|cliff|balcony|window)",
    r"(?:jump|jumping|step|stepping|throw myself) in front of (?:a |the )?(?:train|bus|car|truck)",
    # German
    r"suizid\w*",
    r"selbstmord\w*",
    r"selbstverletz\w*",
    r"lebensmude\w*",
    r"(?:mich|mir) (?:selbst )?(?:umbringen|toten|verletzen|ritzen|das leben nehmen)",
    r"bringe? mich um",
    r"ritze mich",
    r"(?:will|mochte|wurde gerne) (?:einfach |nur )?sterben",
    r"(?:will|mochte|kann) nicht mehr leben",
    r"(?:ware|waere) (?:lieber )?tot",
    r"nicht mehr aufwachen",
    r"keine lust mehr (?:zu leben|auf das leben|aufs leben)",
    # Spanish
    r"(?:quiero|pienso en|ganas de|quisiera) (?:matarme|morir(?:me)?|quitarme la vida)",
    r"voy a matarme",
    r"me (?:quiero|voy a) matar",
    r"me quiero morir",
    r"no quiero (?:seguir )?(?:vivir|despertar)",
    r"quitarme la vida",
    r"acabar con mi vida",
    r"hacerme dano",
    r"autolesion\w*",
    # French
    r"(?:veux|voudrais|envie de|pense a) (?:me tuer|mourir)",
    r"vais me tuer",
    r"mettre fin a (?:mes jours|ma vie)",
    r"en finir avec (?:la vie|ma vie)",
    r"(?:veux|voudrais|envie d) ?en finir",
    r"me faire du mal",
    r"veux plus vivre",
    r"automutil\w*",
    # Portuguese
    r"(?:quero|penso em|vontade de) (?:me matar|morrer|tirar minha vida)",
    r"vou me matar",
    r"nao quero (?:mais )?(?:viver|acordar)",
    r"tirar (?:a )?minha (?:propria )?vida",
    r"acabar com a minha vida",
    r"automutila\w*",
)


@cache
def _screen_regex() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(_SCREEN_PATTERNS) + r")\b")


def normalise_text(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free text with single spaces between words."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(f"[{_APOSTROPHES}]", "", text)
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def screen_text(text: str) -> bool:
    """Whether free text shows signs that the writer may be in danger (errs towards yes)."""
    return _screen_regex().search(normalise_text(text)) is not None
