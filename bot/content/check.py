"""`samenspraak check`: every problem as `file:line: message`, then translation coverage per language."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.content.loader import Library, load_library
from bot.i18n import CLOSEST_LANGUAGES, LANGUAGES


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
            closest = CLOSEST_LANGUAGES.get(language)
            note = f" (a missing text is read in {closest})" if closest else ""
            out.write(f"  {language:<3} {name:<22} {present:>5}/{total:<5} {share:5.1f}%{note}\n")
    report_audio(library, out)
    errors = len(library.errors)
    out.write(
        f"\n{conversation_count(library)} conversation(s) ok, {errors} error(s),"
        f" {len(library.problems) - errors} warning(s)\n"
    )


def report_audio(library: Library, out: TextIO) -> None:
    """Which languages have a recorded reading, for people who read little: the consent summary, every prompt of
    a round and every card of a walk."""
    out.write("\nRecorded audio (texts with a recording in that language / texts), for people who read little:\n")
    consent = {language for content in library.consent.values() for language in content.audio}
    out.write(f"  consent summary: {', '.join(sorted(consent)) if consent else 'none yet'}\n")
    for conversation in library.rounds.values():
        _coverage(out, f"round {conversation.id}", [prompt.audio for prompt in conversation.prompts])
    for walk in library.walks.values():
        _coverage(out, f"walk {walk.id}", [stop.card.audio for stop in walk.stops])


def _coverage(out: TextIO, what: str, recordings: list[dict[str, str] | None]) -> None:
    counts = {language: sum(1 for audio in recordings if language in (audio or {})) for language in LANGUAGES}
    recorded = [f"{language} {count}/{len(recordings)}" for language, count in counts.items() if count]
    out.write(f"  {what}: {', '.join(recorded) if recorded else 'none yet'}\n")


def run_check(directory: Path, out: TextIO | None = None) -> int:
    library = load_library(directory, tuple(LANGUAGES))
    report(library, out or sys.stdout)
    return 0 if library.ok else 1
