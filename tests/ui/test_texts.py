"""The text catalogue: every key used exists, every key defined is used, all are well formed."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.ui.texts import CatalogueError, catalogue, load_language

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]
KEY = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")
# keys built at run time from a prefix and a name
DYNAMIC_PREFIXES = ("commands.",)


def _string_constants() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(), str(path))
        parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):  # f"tags.{tag}": a prefix of keys
                head = node.values[0] if node.values else None
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    found.add(head.value + "*")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in parts
            ):
                found.add(node.value)
    return found


def test_every_key_used_exists() -> None:
    entries = catalogue().languages["en"]
    namespaces = {key.split(".")[0] for key in entries}
    used = {s for s in _string_constants() if KEY.match(s) and s.split(".")[0] in namespaces}
    missing = sorted(
        k for k in used if k not in entries and not any(e.startswith(k + ".") for e in entries)
    )
    assert missing == []


def test_every_key_defined_is_used() -> None:
    constants = _string_constants()
    prefixes = tuple(c[:-1] for c in constants if c.endswith("*")) + DYNAMIC_PREFIXES
    unused = sorted(
        key
        for key in catalogue().languages["en"]
        if key not in constants and not key.startswith(prefixes)
    )
    assert unused == []


def test_placeholders_are_plain_names() -> None:
    for key, entry in catalogue().languages["en"].items():
        for text in (entry,) if isinstance(entry, str) else entry:
            for _literal, field, _spec, _conv in string.Formatter().parse(text):
                assert field is None or field.isidentifier(), (key, field)
            assert len(text) <= 4096, key


def test_break_steps_have_several_wordings() -> None:
    cat = catalogue()
    for step in ("mindfulness", "common_humanity", "self_kindness", "intro"):
        assert cat.variants(f"break.{step}") >= 3


def test_unknown_language_falls_back_to_english() -> None:
    assert catalogue().text("fallback.unknown_command", "xx") == catalogue().text(
        "fallback.unknown_command"
    )


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[x]\ny = "one"\n')
    (tmp_path / "b.toml").write_text('[x]\ny = "two"\n')
    with pytest.raises(CatalogueError):
        load_language(tmp_path)


def test_no_judgemental_words() -> None:
    words = re.compile(
        r"\b(you should have|you failed|lazy|you missed|your fault|you forgot)\b", re.I
    )
    for key, entry in catalogue().languages["en"].items():
        for text in (entry,) if isinstance(entry, str) else entry:
            assert not words.search(text), (key, text)
