"""YAML mistakes said the way an organiser can fix them, and Dutch texts checked in a file that does not validate.

PyYAML words its errors for parser authors ("mapping values are not allowed here"). Organisers edit content by hand
in a text editor: what they need is the line, what is probably wrong there (a tab, an indent, a missing colon or
space, an unquoted `:` or `?`), and how to write it instead.
"""

from __future__ import annotations

from typing import Any

import yaml

from bot.i18n import LANGUAGES

REQUIRED_LANGUAGE = "nl"  # every text needs Dutch: it is the fallback for every other language
Finding = tuple[int, str]  # a line and what is wrong there

# Maps keyed by language that are not texts every participant needs in Dutch.
NOT_TEXTS = frozenset({"audio", "words", "exclude", "exclusions"})

HINTS = (
    (
        "found character '\\t' that cannot start any token",
        "a tab character; YAML indents with spaces only (set your editor to insert spaces)",
    ),
    (
        "mapping values are not allowed here",
        "a ':' where YAML did not expect one: put a space after the colon of a key, indent this line like the "
        "line above it, or put a text that contains ': ' between quotes",
    ),
    (
        "could not find expected ':'",
        "a line without its colon: write `key: value` (a colon and a space), or put a multi-line text between quotes",
    ),
    (
        "did not find expected key",
        "the indentation does not match: keys of one block start in the same column, items of a list with '- '",
    ),
    (
        "expected <block end>",
        "the indentation does not match: a key here is indented differently from the keys of its block",
    ),
    (
        "did not find expected '-' indicator",
        "the indentation of this list does not match: every item starts with '- ' in the same column",
    ),
    (
        "expected ',' or '}'",
        "a text inside { } contains a character YAML reads as syntax (such as ? : , or #): put the text between quotes",
    ),
    (
        "expected ',' or ']'",
        "a value inside [ ] contains a character YAML reads as syntax: put it between quotes",
    ),
    (
        "found unexpected end of stream",
        "a quote was opened and never closed",
    ),
    (
        "found undefined alias",
        "a '*' at the start of a value: put the text between quotes",
    ),
)


def syntax_problem(error: yaml.YAMLError, text: str) -> Finding:
    """The line of a file YAML cannot read, and a hint in organisers' words."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    for number, candidate in enumerate(text.splitlines(), 1):
        if "\t" in candidate[: len(candidate) - len(candidate.lstrip())]:
            return number, f"YAML: {HINTS[0][1]}"
    wording = str(getattr(error, "problem", None) or error)
    for known, hint in HINTS:
        if known in wording:
            return line, f"YAML: {hint} (the parser says: {wording})"
    return line, f"YAML: this line cannot be read ({wording})"


def missing_dutch(data: Any) -> list[Finding]:
    """Texts without Dutch anywhere in a parsed file, found without the file's schema.

    A file with a schema error is not validated further, so its kind's own checks never run; this pass still
    reports every text that lacks Dutch, so one run of `check` lists every problem of the file."""
    found: list[Finding] = []
    _walk(data, "", getattr(data, "line", 1), found)
    return found


def _walk(value: Any, key: str, line: int, found: list[Finding]) -> None:
    """Mappings and lists from bot.content.checker's loader carry the line of each key and item."""
    if isinstance(value, dict):
        keys = [str(item) for item in value]
        if keys and key not in NOT_TEXTS and all(item in LANGUAGES for item in keys):
            if not value.get(REQUIRED_LANGUAGE):
                found.append((line, f"{key}: missing Dutch ({REQUIRED_LANGUAGE}) text"))
            return
        lines = getattr(value, "lines", {})
        for child_key, child in value.items():
            _walk(child, str(child_key), lines.get(child_key, line), found)
    elif isinstance(value, list):
        lines = getattr(value, "lines", [])
        for index, child in enumerate(value):
            _walk(child, key, lines[index] if index < len(lines) else line, found)
