"""Reading organisers' YAML with line numbers, and reporting problems as `file:line: message`.

Organisers edit YAML by hand, so a problem must point at the line to fix. PyYAML parses with a loader that
remembers where each key and item stood; pydantic errors are traced back through it to a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.callback_data import MAX_BYTES
from bot.content.limits import TooLarge, check_size, load_limited
from bot.content.model import ANSWER_TYPES
from bot.content.syntax import REQUIRED_LANGUAGE as REQUIRED_LANGUAGE  # re-exported: every kind checks it
from bot.content.syntax import syntax_problem

MAX_LABEL_LENGTH = 40  # longer button labels are cut off on small phones
MAX_BUTTON_DATA = MAX_BYTES  # bytes of callback_data Telegram accepts; what fits is decided in bot/callback_data.py

Loc = tuple[int | str, ...]
TextList = list[tuple[Loc, dict[str, str]]]


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key, and the lines of keys given twice."""

    line: int = 0
    lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineList(list[Any]):
    line: int = 0
    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    result.duplicates = []
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            result.duplicates.append((key, key_node.start_mark.line + 1))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


# YAML 1.1 reads yes/no/on/off as booleans, so a button labelled `en: Yes` would become "True". Only true/false
# are booleans here; everything else stays text.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str
    severity: str = "error"  # or "warning": reported, but content still loads

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {tag}{self.message}"


def _duplicate_keys(data: Any, path: Path) -> list[Problem]:
    """Every key given twice in one mapping: YAML keeps the last silently, which hides a mistake."""
    found: list[Problem] = []
    if isinstance(data, LineDict):
        found += [Problem(path, line, f"duplicate key {key!r}") for key, line in data.duplicates]
        for value in data.values():
            found += _duplicate_keys(value, path)
    elif isinstance(data, list):
        for value in data:
            found += _duplicate_keys(value, path)
    return found


def line_of(data: Any, loc: tuple[int | str, ...]) -> int:
    """Follow a pydantic error location through the parsed YAML to the nearest known line."""
    line = getattr(data, "line", 1)
    current = data
    for step in loc:
        if isinstance(current, LineDict) and step in current:
            line = current.lines.get(step, line)
            current = current[step]
        elif isinstance(current, LineList) and isinstance(step, int) and 0 <= step < len(current):
            line = current.lines[step]
            current = current[step]
        else:
            break
    return line


def friendly(error: Any) -> str:
    loc = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-"))
    kind = error["type"]
    if loc.endswith("type") and kind == "literal_error" and "prompts" in loc:
        return f"{loc}: unknown answer type {error['input']!r}; use one of {', '.join(ANSWER_TYPES)}"
    if kind == "extra_forbidden":
        return f"{loc}: unknown field (check the spelling)"
    if kind == "missing":
        return f"{loc}: required field is missing"
    if kind == "string_pattern_mismatch":
        return f"{loc}: {error['input']!r} is not a valid id (lowercase letters, digits, - and _)"
    return f"{loc}: {error['msg']}"


class FileChecker:
    def __init__(self, path: Path, data: LineDict) -> None:
        self.path = path
        self.data = data
        self.problems: list[Problem] = []

    def problem(self, loc: tuple[int | str, ...], message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.path, line_of(self.data, loc), message, severity))


def parse_file(path: Path) -> tuple[LineDict | None, list[Problem]]:
    try:
        check_size(path.stat().st_size)  # before reading: a huge file is refused unread
        text = path.read_text(encoding="utf-8")
        data = load_limited(text, _LineLoader)  # aliases measured first
    except TooLarge as error:
        return None, [Problem(path, error.line, str(error))]
    except yaml.MarkedYAMLError as error:
        return None, [Problem(path, *syntax_problem(error, text))]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return None, [Problem(path, 1, f"cannot read file: {error}")]
    if not isinstance(data, LineDict):
        return None, [Problem(path, 1, "a conversation file must be a mapping with id, kind, ...")]
    duplicates = _duplicate_keys(data, path)
    return (None if duplicates else data), duplicates
