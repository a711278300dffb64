"""Check Bot API requests against the official machine-readable API description.

The description (``api.json``, see ``shared/botapi/SOURCE.md``) lists every method and
type with its fields, their API types and whether they are required. Limits such as
"1-4096 characters" only live in the prose, so they are extracted with regular
expressions when the description is loaded.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from bot.emulator import FormattingError, render_formatted_text

SPEC_ENV_VAR = "BOTAPI_SPEC"
PARSE_MODES = frozenset({"HTML", "Markdown", "MarkdownV2"})

# InlineKeyboardButton fields that only decorate a button; every other optional field of
# InlineKeyboardButton is an action, and a button needs exactly one of them.
_BUTTON_DECORATIONS = frozenset({"text", "icon_custom_emoji_id", "style"})
# BotCommand.command: "Can contain only lowercase English letters, digits and underscores."
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]+")

_LENGTH_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_AFTER_ENTITIES_RE = re.compile(r"after entit(?:y|ies) parsing")
_ONE_OF_RE = re.compile(r"[Mm]ust be one of (.+?)(?:\.(?:\s|$)|$)")
_MUST_BE_RE = re.compile(r"must be ([a-z_]+)$")
_CAN_BE_RE = re.compile(r"Currently, can be (.+)")
_CHOOSE_ONE_RE = re.compile(r"Choose one[^:]*:(.+)")
_CHOSEN_WORD_RE = re.compile(r"([a-z_]+) (?:for|or) ")
_QUOTED_RE = re.compile(r'"([^"]+)"')
_AT_MOST_RE = re.compile(r"At most (\d+) [\w ]+? can be specified")
_BETWEEN_RE = re.compile(r"Values between (\d+)-(\d+) are accepted")
_REQUIRED_UNLESS_RE = re.compile(
    r"[Rr]equired if (\w+)(?: and (\w+))? (?:is not|are not|isn't|aren't) specified"
)
_REQUIRED_IF_RE = re.compile(r"[Rr]equired if (\w+) is specified")


def default_spec_path() -> Path:
    """The API description: ``$BOTAPI_SPEC`` or ``shared/botapi/api.json`` beside the repo."""
    override = os.environ.get(SPEC_ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "botapi" / "api.json"


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or field of a type, with the limits found in its prose."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str
    length: tuple[int, int, str] | None = None
    after_entities: bool = False
    choices: frozenset[str] | None = None
    max_items: int | None = None
    int_range: tuple[int, int] | None = None
    required_unless: tuple[str, ...] = ()
    required_if: str | None = None

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> FieldSpec:
        """Build a field from its ``api.json`` entry, extracting limits from the prose."""
        name = str(raw["name"])
        raw_types = raw.get("types")
        types = tuple(str(t) for t in raw_types) if isinstance(raw_types, list) else ()
        description = str(raw.get("description", ""))
        is_string = "String" in types
        length = None
        if is_string and (m := _LENGTH_RE.search(description)):
            length = (int(m.group(1)), int(m.group(2)), m.group(3))
        choices: frozenset[str] | None = None
        if is_string:
            if (m := _ONE_OF_RE.search(description)) and (found := _QUOTED_RE.findall(m[1])):
                choices = frozenset(found)
            elif m := _MUST_BE_RE.search(description):
                choices = frozenset({m.group(1)})
            elif name == "type" and (m := _CAN_BE_RE.search(description)):
                choices = frozenset(_QUOTED_RE.findall(m.group(1))) or None
            elif m := _CHOOSE_ONE_RE.search(description):
                choices = frozenset(_CHOSEN_WORD_RE.findall(m.group(1) + " ")) or None
        max_items = None
        if any(t.startswith("Array of") for t in types) and (m := _AT_MOST_RE.search(description)):
            max_items = int(m.group(1))
        int_range = None
        if "Integer" in types and (m := _BETWEEN_RE.search(description)):
            int_range = (int(m.group(1)), int(m.group(2)))
        required_unless: tuple[str, ...] = ()
        if m := _REQUIRED_UNLESS_RE.search(description):
            required_unless = tuple(g for g in m.groups() if g)
        required_if = m.group(1) if (m := _REQUIRED_IF_RE.search(description)) else None
        return cls(
            name=name,
            types=types,
            required=bool(raw.get("required", False)),
            description=description,
            length=length,
            after_entities=bool(_AFTER_ENTITIES_RE.search(description)),
            choices=choices,
            max_items=max_items,
            int_range=int_range,
            required_unless=required_unless,
            required_if=required_if,
        )


@dataclass(frozen=True)
class TypeSpec:
    """An API object type: its fields, or the subtypes of an abstract union type."""

    name: str
    fields: Mapping[str, FieldSpec] | None
    subtypes: tuple[str, ...]


def _fields(raw: object) -> Mapping[str, FieldSpec]:
    entries = raw if isinstance(raw, list) else []
    specs = (FieldSpec.from_json(entry) for entry in entries if isinstance(entry, dict))
    return MappingProxyType({spec.name: spec for spec in specs})


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, bytes | bytearray):
        return "file"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _parse_mode_field(name: str) -> str:
    """The sibling that sets the parse mode of text field ``name``."""
    return "parse_mode" if name in ("text", "caption") else f"{name}_parse_mode"


def _entities_field(name: str) -> str:
    """The sibling that carries explicit entities for text field ``name``."""
    if name == "text":
        return "entities"
    return f"{name}_entities"


class BotApiSpec:
    """The Bot API description, able to validate one request's parameters."""

    def __init__(
        self,
        methods: Mapping[str, Mapping[str, FieldSpec]],
        types: Mapping[str, TypeSpec],
        version: str = "",
    ) -> None:
        self.methods = MappingProxyType(dict(methods))
        self.types = MappingProxyType(dict(types))
        self.version = version

    @classmethod
    def load(cls, path: Path | None = None) -> BotApiSpec:
        """Read ``api.json`` (default: :func:`default_spec_path`)."""
        data = json.loads((path or default_spec_path()).read_text(encoding="utf-8"))
        methods = {name: _fields(raw.get("fields")) for name, raw in data["methods"].items()}
        types = {
            name: TypeSpec(
                name=name,
                fields=_fields(raw["fields"]) if "fields" in raw else None,
                subtypes=tuple(raw.get("subtypes", ())),
            )
            for name, raw in data["types"].items()
        }
        return cls(methods, types, version=str(data.get("version", "")))

    def param_types(self, method: str, name: str) -> tuple[str, ...] | None:
        """The API types of parameter ``name`` of ``method``, or None if unknown."""
        field = self.methods.get(method, {}).get(name)
        return field.types if field else None

    def validate(self, method: str, params: Mapping[str, object]) -> list[str]:
        """Problems with one request (empty list when valid)."""
        fields = self.methods.get(method)
        if fields is None:
            hint = next((m for m in self.methods if m.lower() == method.lower()), None)
            suffix = f" (did you mean {hint!r}?)" if hint else ""
            return [f"unknown method {method!r}{suffix}"]
        return self._check_fields(fields, params, method)

    def _check_fields(
        self, fields: Mapping[str, FieldSpec], values: Mapping[str, object], where: str
    ) -> list[str]:
        problems = [f"{where}: unknown field {name!r}" for name in values if name not in fields]
        present = {name for name, value in values.items() if value is not None}
        for field in fields.values():
            path = f"{where}.{field.name}"
            if field.name not in present:
                if field.required:
                    problems.append(f"{path}: required but missing")
                elif field.required_unless and not present.intersection(field.required_unless):
                    others = " and ".join(field.required_unless)
                    verb = "is" if len(field.required_unless) == 1 else "are"
                    problems.append(f"{path}: required when {others} {verb} not given")
                elif field.required_if and field.required_if in present:
                    problems.append(f"{path}: required when {field.required_if} is given")
                continue
            value = values[field.name]
            type_problems = self._check_value(value, field.types, path)
            problems.extend(type_problems)
            if not type_problems:
                problems.extend(self._check_limits(field, value, values, path))
        return problems

    def _check_limits(
        self, field: FieldSpec, value: object, siblings: Mapping[str, object], path: str
    ) -> list[str]:
        problems: list[str] = []
        if isinstance(value, str):
            is_parse_mode = field.name == "parse_mode" or field.name.endswith("_parse_mode")
            if is_parse_mode and value not in PARSE_MODES:
                modes = ", ".join(sorted(PARSE_MODES))
                problems.append(f"{path}: {value!r} is not one of {modes}")
            if field.choices is not None and value not in field.choices:
                expected = ", ".join(sorted(field.choices))
                problems.append(f"{path}: {value!r} is not one of {expected}")
            if field.length is not None:
                problems.extend(self._check_length(field, value, siblings, path))
        if isinstance(value, list) and field.max_items is not None and len(value) > field.max_items:
            problems.append(f"{path}: {len(value)} items, at most {field.max_items}")
        if isinstance(value, int) and not isinstance(value, bool) and field.int_range:
            low, high = field.int_range
            if not low <= value <= high:
                problems.append(f"{path}: {value} is outside {low}-{high}")
        return problems

    def _check_length(
        self, field: FieldSpec, value: str, siblings: Mapping[str, object], path: str
    ) -> list[str]:
        assert field.length is not None
        low, high, unit = field.length
        measured = value
        parse_mode = siblings.get(_parse_mode_field(field.name))
        if (
            field.after_entities
            and isinstance(parse_mode, str)
            and parse_mode in PARSE_MODES
            and _entities_field(field.name) not in siblings
        ):
            try:
                measured, _ = render_formatted_text(value, parse_mode)
            except FormattingError:
                return []  # malformed markup: the server answers "can't parse entities"
        size = len(measured.encode("utf-8")) if unit == "bytes" else len(measured)
        if not low <= size <= high:
            after = " after entities parsing" if measured is not value else ""
            return [f"{path}: {size} {unit}{after}, must be {low}-{high}"]
        return []

    def _check_value(self, value: object, types: Sequence[str], path: str) -> list[str]:
        if len(types) == 1:
            return self._check_one(value, types[0], path)
        attempts = [self._check_one(value, api_type, path) for api_type in types]
        if any(not problems for problems in attempts):
            return []
        shaped = [
            problems
            for api_type, problems in zip(types, attempts, strict=True)
            if self._shape_matches(value, api_type)
        ]
        if shaped:
            return min(shaped, key=len)
        expected = " or ".join(types)
        return [f"{path}: expected {expected}, got {_type_name(value)}"]

    def _shape_matches(self, value: object, api_type: str) -> bool:
        """Whether ``value`` has the JSON shape of ``api_type`` (to pick a union member)."""
        if api_type.startswith("Array of"):
            return isinstance(value, list)
        if api_type in self.types and api_type != "InputFile":
            return isinstance(value, dict)
        return not self._check_one(value, api_type, "")

    def _check_one(self, value: object, api_type: str, path: str) -> list[str]:
        if api_type.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {api_type}, got {_type_name(value)}"]
            inner = api_type.removeprefix("Array of ")
            problems: list[str] = []
            for index, item in enumerate(value):
                problems.extend(self._check_one(item, inner, f"{path}[{index}]"))
            return problems
        scalar_ok = {
            "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "Boolean": lambda v: isinstance(v, bool),
            "String": lambda v: isinstance(v, str),
            "InputFile": lambda v: isinstance(v, bytes | bytearray | str),
        }.get(api_type)
        if scalar_ok is not None:
            if scalar_ok(value):
                return []
            return [f"{path}: expected {api_type}, got {_type_name(value)}"]
        spec = self.types.get(api_type)
        if spec is None:
            return []
        if not isinstance(value, dict):
            return [f"{path}: expected {api_type} object, got {_type_name(value)}"]
        if spec.subtypes:
            return self._check_subtypes(value, spec, path)
        if spec.fields is None:
            return []
        problems = self._check_fields(spec.fields, value, path)
        if not problems:
            problems.extend(self._check_object_rules(api_type, value, path))
        return problems

    def _check_subtypes(self, value: Mapping[str, object], spec: TypeSpec, path: str) -> list[str]:
        kind = value.get("type")
        if isinstance(kind, str):
            for name in spec.subtypes:
                sub = self.types.get(name)
                type_field = sub.fields.get("type") if sub and sub.fields else None
                if type_field and type_field.choices == frozenset({kind}):
                    return self._check_one(value, name, path)
            return [f"{path}: {kind!r} is not a known type of {spec.name}"]
        return self._check_value(value, spec.subtypes, path)

    def _check_object_rules(
        self, api_type: str, value: Mapping[str, object], path: str
    ) -> list[str]:
        if api_type == "InlineKeyboardButton":
            spec = self.types[api_type]
            assert spec.fields is not None
            actions = [
                name
                for name in spec.fields
                if name not in _BUTTON_DECORATIONS and value.get(name) is not None
            ]
            if len(actions) != 1:
                found = ", ".join(actions) or "none"
                return [f"{path}: a button needs exactly one action field, found {found}"]
        if api_type == "BotCommand":
            command = value.get("command")
            if isinstance(command, str) and not _BOT_COMMAND_RE.fullmatch(command):
                return [
                    f"{path}.command: {command!r} may contain only lowercase English "
                    "letters, digits and underscores"
                ]
        return []
