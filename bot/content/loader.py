"""Load and check conversation files, reporting every problem as `file:line: message`.

Organisers edit YAML by hand, so a problem must point at the line to fix. PyYAML parses with a loader that
remembers where each key and item stood; pydantic checks the shape; this module adds the checks across a file and
across files (duplicate ids, references, label lengths, Dutch present) and the translation coverage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.content.model import ANSWER_TYPES, Round

MAX_LABEL_LENGTH = 40  # longer button labels are cut off on small phones
REQUIRED_LANGUAGE = "nl"
MAX_BUTTON_DATA = 64  # bytes of callback_data Telegram accepts


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


@dataclass
class Library:
    """All conversations that passed the check, plus what the check found."""

    rounds: dict[str, Round] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # language -> (texts present, texts expected), over every text in every file
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def round_for(self, community: str) -> Round | None:
        """The round a participant of this community answers; the default community's when it has none."""
        for wanted in (community, "default"):
            for conversation in self.rounds.values():
                if conversation.community == wanted:
                    return conversation
        return next(iter(self.rounds.values()), None)

    def communities(self) -> set[str]:
        return {conversation.community for conversation in self.rounds.values()} | {"default"}


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


def _line_of(data: Any, loc: tuple[int | str, ...]) -> int:
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


def _friendly(error: Any) -> str:
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


class _FileChecker:
    def __init__(self, path: Path, data: LineDict) -> None:
        self.path = path
        self.data = data
        self.problems: list[Problem] = []

    def problem(self, loc: tuple[int | str, ...], message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.path, _line_of(self.data, loc), message, severity))

    def texts(self, conversation: Round) -> list[tuple[tuple[int | str, ...], dict[str, str]]]:
        found: list[tuple[tuple[int | str, ...], dict[str, str]]] = [(("title",), conversation.title)]
        for name in ("intro", "closing"):
            value = getattr(conversation, name)
            if value is not None:
                found.append(((name,), value))
        for index, prompt in enumerate(conversation.prompts):
            found.append((("prompts", index, "text"), prompt.text))
            for name in ("low", "high"):
                value = getattr(prompt, name)
                if value is not None:
                    found.append((("prompts", index, name), value))
            for option_index, option in enumerate(prompt.options):
                found.append((("prompts", index, "options", option_index, "label"), option.label))
        return found

    def check_round(self, conversation: Round) -> None:
        prompt_ids = [prompt.id for prompt in conversation.prompts]
        for index, prompt_id in enumerate(prompt_ids):
            if prompt_ids.index(prompt_id) != index:
                self.problem(("prompts", index, "id"), f"duplicate prompt id {prompt_id!r}")
        for index, prompt in enumerate(conversation.prompts):
            here: tuple[int | str, ...] = ("prompts", index)
            if prompt.type == "choice" and len(prompt.options) < 2:
                self.problem((*here, "options"), f"choice prompt {prompt.id!r} needs at least 2 options")
            if prompt.type != "choice" and prompt.options:
                self.problem((*here, "options"), f"only a choice prompt has options ({prompt.id!r} is {prompt.type})")
            option_ids = [option.id for option in prompt.options]
            longest = max([*option_ids, "5"], key=len)
            if len(f"a:{conversation.id}:{prompt.id}:{longest}".encode()) > MAX_BUTTON_DATA:
                self.problem((*here, "id"), "conversation, prompt and option ids together are too long for a button")
            for option_index, option in enumerate(prompt.options):
                if option_ids.index(option.id) != option_index:
                    self.problem((*here, "options", option_index, "id"), f"duplicate option id {option.id!r}")
                for language, label in option.label.items():
                    if len(label) > MAX_LABEL_LENGTH:
                        self.problem(
                            (*here, "options", option_index, "label", language),
                            f"button label in {language!r} is {len(label)} characters; at most {MAX_LABEL_LENGTH}",
                        )
                if option.next and option.next not in prompt_ids:
                    self.problem(
                        (*here, "options", option_index, "next"),
                        f"reference to missing prompt {option.next!r}",
                    )
        for loc, text in self.texts(conversation):
            if not text.get(REQUIRED_LANGUAGE):
                self.problem(loc, f"missing Dutch ({REQUIRED_LANGUAGE}) text")


def _parse(path: Path) -> tuple[LineDict | None, list[Problem]]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(path, line, f"YAML syntax: {error.problem or error}")]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        return None, [Problem(path, 1, f"cannot read file: {error}")]
    if not isinstance(data, LineDict):
        return None, [Problem(path, 1, "a conversation file must be a mapping with id, kind, ...")]
    duplicates = _duplicate_keys(data, path)
    return (None if duplicates else data), duplicates


def load_library(directory: Path, languages: tuple[str, ...] = ()) -> Library:
    """Read every `*.yaml` in `directory`; conversations with errors are left out and their problems listed."""
    library = Library()
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not directory.is_dir():
        library.problems.append(Problem(directory, 0, "conversation folder does not exist"))
        return library
    seen_ids: dict[str, Path] = {}
    all_texts: list[dict[str, str]] = []
    for path in files:
        data, problems = _parse(path)
        library.problems.extend(problems)
        if data is None:
            continue
        checker = _FileChecker(path, data)
        kind = data.get("kind")
        if kind != "round":
            checker.problem(("kind",), f"unknown kind {kind!r}; this version reads: round")
            library.problems.extend(checker.problems)
            continue
        try:
            conversation = Round.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                checker.problem(tuple(detail["loc"]), _friendly(detail))
            library.problems.extend(checker.problems)
            continue
        checker.check_round(conversation)
        if conversation.id in seen_ids:
            checker.problem(
                ("id",),
                f"duplicate conversation id {conversation.id!r} (also in {seen_ids[conversation.id]})",
            )
        seen_ids.setdefault(conversation.id, path)
        library.problems.extend(checker.problems)
        texts = [text for _, text in checker.texts(conversation)]
        all_texts.extend(texts)
        for loc, text in checker.texts(conversation):
            for language in text:
                if languages and language not in languages:
                    checker.problem(loc, f"unknown language {language!r}", "warning")
        library.problems.extend(problem for problem in checker.problems if problem.severity == "warning")
        if not any(problem.severity == "error" for problem in checker.problems):
            library.rounds[conversation.id] = conversation
    for language in languages:
        present = sum(1 for text in all_texts if text.get(language))
        library.coverage[language] = (present, len(all_texts))
    return library
