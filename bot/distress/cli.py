"""`samenspraak safeguarding test [--language xx] TEXT…`: what the distress lists find in a text, and why.

Organisers try their lists before they rely on them, the way they would grep: exit 0 when something matches,
1 when nothing does, 2 when the lists cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.content.loader import load_library
from bot.distress.matcher import explain, lists_of
from bot.distress.normalise import normalise


def run_test(conversations: Path, language: str | None, words: list[str], out: TextIO = sys.stdout) -> int:
    library = load_library(conversations)
    lists = lists_of(library)
    for problem in library.problems:
        if problem.severity == "error" and problem.path.name.startswith("safeguarding"):
            print(f"samenspraak: {problem}", file=sys.stderr)
    if not lists:
        print(f"samenspraak: no safeguarding lists in {conversations}", file=sys.stderr)
        return 2
    text = " ".join(words)
    found, excluded = explain(text, language, lists)
    out.write(f"read as: {normalise(text)}\n")
    out.write(f"lists: {language + ', nl, en' if language else 'every language'}\n")
    for one in found:
        out.write(f"match: {one.kind}, {one.language} list, entry {one.word!r} found as {one.found!r}\n")
    for set_aside in excluded:
        one = set_aside.match
        out.write(
            f"not flagged: {one.kind}, {one.language} list, entry {one.word!r} found as {one.found!r},"
            f" inside the innocent phrase {set_aside.phrase!r}\n"
        )
    if not found:
        out.write("no match\n")
    return 0 if found else 1
