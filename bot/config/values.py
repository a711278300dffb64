"""The small pieces settings are made of: errors, secrets, bounded numbers."""

from __future__ import annotations

from collections.abc import Mapping


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class Secret:
    """A string that never shows itself in ``repr``/``str`` (so never in logs)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        """The secret value itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def read_int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """The whole number ``name`` gives, within ``low``..``high`` (``default`` if unset)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def read_float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    """The number ``name`` gives, within ``low``..``high`` (``default`` if unset)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


def read_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """Yes or no from ``name`` (1/0, true/false, yes/no, on/off; ``default`` if unset)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ConfigError(f"{name} must be yes or no (1 or 0), got {raw!r}")
