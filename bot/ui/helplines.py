"""Helplines as text: a line with its numbers and hours, the full help, the short one."""

from __future__ import annotations

from bot.core.helplines import CountryHelp, CrisisLine, help_for_country
from bot.ui.texts import t

MESSAGE_LIMIT = 4096


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
