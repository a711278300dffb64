"""Telegram's parse modes: ``render_formatted_text`` turns markup into text and entities."""

from __future__ import annotations

from bot.emulator.entities import Entity, FormattingError, strip_text
from bot.emulator.html_markup import parse_html
from bot.emulator.markdown_markup import parse_markdown, parse_markdown_v2


def render_formatted_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Text and entities as Telegram shows them after parsing ``parse_mode`` markup."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    if mode:
        raise FormattingError(f"unsupported parse_mode {parse_mode!r}")
    return strip_text(text, [])
