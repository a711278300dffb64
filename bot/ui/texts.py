"""The text catalogue: every word the bot says, keyed and ready for translation.

Texts live in ``bot/ui/locales/<language>/*.toml``. Tables nest into dotted keys
(``[break] mindfulness = [...]`` becomes ``break.mindfulness``). A value is a
string, or a list of variants so that repeated practices do not feel canned.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"

Entry = str | tuple[str, ...]


class CatalogueError(ValueError):
    """The catalogue files are malformed (duplicate key, wrong value type)."""


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, Entry], source: str) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(key, value, out, source)
            continue
        if key in out:
            raise CatalogueError(f"duplicate text key {key!r} in {source}")
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            out[key] = tuple(value)
        else:
            raise CatalogueError(f"text {key!r} in {source} must be a string or list of strings")


def load_language(directory: Path) -> dict[str, Entry]:
    """Read every ``*.toml`` file of one language into one flat key -> entry map."""
    entries: dict[str, Entry] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            _flatten("", tomllib.load(fh), entries, path.name)
    return entries


@dataclass(frozen=True)
class Catalogue:
    """All texts of all languages, with English as the fallback."""

    languages: Mapping[str, Mapping[str, Entry]]

    def entry(self, key: str, language: str | None = None) -> Entry:
        """The raw entry for ``key`` in ``language`` (falling back to English)."""
        lang = (language or DEFAULT_LANGUAGE).split("-")[0].lower()
        table = self.languages.get(lang, self.languages[DEFAULT_LANGUAGE])
        if key in table:
            return table[key]
        return self.languages[DEFAULT_LANGUAGE][key]

    def variants(self, key: str, language: str | None = None) -> int:
        """How many wordings ``key`` has."""
        entry = self.entry(key, language)
        return 1 if isinstance(entry, str) else len(entry)

    def text(
        self, key: str, language: str | None = None, *, variant: int = 0, **fields: object
    ) -> str:
        """The text for ``key``, choosing wording ``variant`` (modulo the count), formatted."""
        entry = self.entry(key, language)
        template = entry if isinstance(entry, str) else entry[variant % len(entry)]
        return template.format(**fields) if fields else template


@cache
def catalogue() -> Catalogue:
    """The catalogue of every language shipped under ``bot/ui/locales``."""
    languages = {
        path.name: load_language(path) for path in sorted(LOCALES_DIR.iterdir()) if path.is_dir()
    }
    if DEFAULT_LANGUAGE not in languages:
        raise CatalogueError(f"no {DEFAULT_LANGUAGE!r} texts under {LOCALES_DIR}")
    return Catalogue(languages)


def t(key: str, language: str | None = None, *, variant: int = 0, **fields: object) -> str:
    """Shorthand for ``catalogue().text(...)``."""
    return catalogue().text(key, language, variant=variant, **fields)
