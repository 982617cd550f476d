"""`samenspraak check`: every problem as `file:line: message`, then translation coverage per language."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.content.loader import Library, load_library
from bot.i18n import LANGUAGES


def conversation_count(library: Library) -> int:
    """Rounds, walks and meetings that passed the check (word lists and other support files are not counted)."""
    return len(library.rounds) + len(library.walks) + len(library.meetings)


def report(library: Library, out: TextIO) -> None:
    for problem in library.problems:
        out.write(f"{problem}\n")
    if library.coverage:
        out.write("\nTranslation coverage (texts present / texts in all conversations):\n")
        for language, (present, total) in library.coverage.items():
            share = 100 * present / total if total else 100.0
            name = LANGUAGES[language].name if language in LANGUAGES else language
            out.write(f"  {language:<3} {name:<22} {present:>5}/{total:<5} {share:5.1f}%\n")
    report_audio(library, out)
    errors = len(library.errors)
    out.write(
        f"\n{conversation_count(library)} conversation(s) ok, {errors} error(s),"
        f" {len(library.problems) - errors} warning(s)\n"
    )


def report_audio(library: Library, out: TextIO) -> None:
    """Which languages have a recorded reading of their prompts, for people who read little."""
    out.write("\nRecorded audio (prompts with a recording / prompts), per conversation:\n")
    for conversation in library.rounds.values():
        counts = {
            language: sum(1 for prompt in conversation.prompts if language in (prompt.audio or {}))
            for language in LANGUAGES
        }
        recorded = [f"{language} {count}/{len(conversation.prompts)}" for language, count in counts.items() if count]
        out.write(f"  {conversation.id}: {', '.join(recorded) if recorded else 'none yet'}\n")


def run_check(directory: Path, out: TextIO | None = None) -> int:
    library = load_library(directory, tuple(LANGUAGES))
    report(library, out or sys.stdout)
    return 0 if library.ok else 1
