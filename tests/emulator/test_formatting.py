"""``render_formatted_text``: HTML, MarkdownV2 and Markdown to text and entities."""

from __future__ import annotations

import json

import pytest

from bot.emulator import FormattingError, render_formatted_text


def test_render_formatted_text() -> None:
    text, entities = render_formatted_text(
        '<pre><code class="language-python">x = 1</code></pre> <a href="https://t.me">link</a>',
        "HTML",
    )
    assert text == "x = 1 link"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "text_link", "offset": 6, "length": 4, "url": "https://t.me"},
    ]
    text, entities = render_formatted_text(
        "*bold* _it_ __u__ ||s|| \\. [l](https://x.org)", "MarkdownV2"
    )
    assert text == "bold it u s . l"
    assert [e["type"] for e in entities] == ["bold", "italic", "underline", "spoiler", "text_link"]
    assert render_formatted_text("*b* _i_ `c`", "Markdown")[0] == "b i c"
    with pytest.raises(FormattingError, match="Can't find end of Bold entity at byte offset 0"):
        render_formatted_text("*open", "MarkdownV2")
    with pytest.raises(FormattingError, match='expected "</b>", found "</i>"'):
        render_formatted_text("<b>x</i>", "HTML")
    assert json.dumps(render_formatted_text("plain", None)) == '["plain", []]'
