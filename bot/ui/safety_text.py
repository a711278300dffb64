"""The words of a crisis answer: emergency number first, then the lines, calm and short."""

from __future__ import annotations

from bot.core.helplines import help_for_country, load_crisis_lines
from bot.ui.helplines import format_line
from bot.ui.texts import t
from bot.ui.violence_lines import (
    emergency_note,
    fallback_directories,
    format_violence_line,
    lines_for_country,
)

MESSAGE_LIMIT = 4096
_MAX_LINES = 4


def _join(blocks: list[str], lines: list[str], tail: list[str]) -> str:
    """Head blocks, then as many lines as fit, then the tail, within Telegram's limit."""
    while True:
        text = "\n\n".join([*blocks, "\n".join(lines), *tail] if lines else [*blocks, *tail])
        if len(text) <= MESSAGE_LIMIT or len(lines) <= 1:
            return text[:MESSAGE_LIMIT]
        lines = lines[:-1]


def _closing(language: str | None) -> str:
    return t("safety.not_emergency", language) + " " + t("safety.sos_again", language)


def _emergency(country: str | None, language: str | None, key: str) -> str:
    help_ = help_for_country(country)
    if help_.emergency is None:
        return t(f"{key}_unknown", language)
    return t(key, language, number=help_.emergency)


def _crisis_lines(
    country: str | None, language: str | None, *, directories: bool = True
) -> list[str]:
    """The country's lines, and the international directories when it has no well-checked one."""
    help_ = help_for_country(country)
    lines = [format_line(line, language) for line in help_.lines[:_MAX_LINES]]
    if directories:
        lines += [t("crisis.fallback", language, name=f.name, url=f.url) for f in help_.fallbacks]
    return [t("crisis.lines_heading", language), *lines] if lines else []


def _directories(language: str | None) -> list[str]:
    """The international directories of free helplines, under their heading."""
    rows = [
        t("crisis.fallback", language, name=f.name, url=f.url)
        for f in load_crisis_lines().fallbacks
    ]
    return [t("crisis.fallback_more_heading", language), *rows]


def _violence_lines(country: str | None, language: str | None) -> list[str]:
    found = lines_for_country(country, limit=_MAX_LINES)
    if found:
        lines = [format_violence_line(line, language) for line in found]
    else:
        lines = [
            t("crisis.fallback", language, name=name, url=url)
            for name, url in fallback_directories()
            if not name.startswith("Child")  # children's lines are for minors
        ]
    return [t("safety.violence_heading", language), *lines]


def format_danger_now(
    country: str | None,
    language: str | None = None,
    *,
    from_others: bool = False,
    someone_else: bool = False,
) -> str:
    """The answer to danger now: the emergency number first, then the lines, in one message."""
    if from_others:
        blocks = [_emergency(country, language, "safety.urgent_others")]
        if note := emergency_note(country):
            blocks.append(t("crisis.violence_note", language, note=note))
        lines = _violence_lines(country, language)
        tail = [t("safety.call_log", language), _closing(language)]
    else:
        key = "safety.urgent_someone" if someone_else else "safety.urgent_self"
        blocks = [_emergency(country, language, key)]
        lines = _crisis_lines(country, language)
        tail = [_closing(language)]
    return _join(blocks, lines, tail)


def format_concern(
    country: str | None, language: str | None = None, variant: int = 0, indirect: bool = False
) -> str:
    """A warm word, the emergency number in one line, and the question: are you safe?

    When no listed wording named a danger (``indirect``), the warm word says the bot is
    checking in rather than naming the person's pain: it may be wrong.
    """
    return "\n\n".join(
        [
            t("safety.concern_check" if indirect else "safety.concern", language, variant=variant),
            _emergency(country, language, "safety.concern_emergency"),
            t("safety.ask", language),
        ]
    )


def format_support(country: str | None, language: str | None = None, variant: int = 0) -> str:
    """Struggling but safe for now: people to talk to, in a calm message."""
    blocks = [
        t("safety.support", language, variant=variant),
        _emergency(country, language, "crisis.emergency"),
    ]
    return _join(blocks, _crisis_lines(country, language), [_closing(language)])


def format_sos(country: str | None, language: str | None = None) -> str:
    """/sos: the emergency number first, the lines, the international directories, one sentence."""
    blocks = [_emergency(country, language, "crisis.emergency")]
    own = _crisis_lines(country, language, directories=False)
    violence = _violence_lines(country, language)[:3]
    # the directories come last, unless they are all there is for this country
    sections = (
        [own, violence, _directories(language)] if own else [_directories(language), violence]
    )
    lines = [row for section in sections if section for row in ("", *section)][1:]
    return _join(blocks, lines, [t("safety.sos_outro", language)])


def format_plan(parts: list[tuple[str, str]], language: str | None = None) -> str | None:
    """A safety plan's filled parts as one message, or None when it has nothing in it."""
    if not parts:
        return None
    rows = [t("plan.shown_heading", language)]
    rows += [
        t("plan.shown_part", language, title=t(f"plan.title.{part}", language), text=text)
        for part, text in parts
    ]
    return "\n\n".join(rows)[:MESSAGE_LIMIT]
