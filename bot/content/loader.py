"""Load every conversation file of a folder into a `Library`, listing each problem with its file and line.

Checks across files (duplicate conversation ids) and the translation coverage live here; each kind's own checks
live with the kind (`bot/content/kinds.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.content.checker import FileChecker, Problem, friendly, parse_file
from bot.content.kinds import KINDS
from bot.content.model import Round
from bot.content.sequence import round_for, sequence_problems
from bot.content.syntax import missing_dutch

__all__ = ["Library", "Problem", "load_library"]


@dataclass
class Library:
    """All conversations that passed the check, plus what the check found."""

    rounds: dict[str, Round] = field(default_factory=dict)
    walks: dict[str, Any] = field(default_factory=dict)
    meetings: dict[str, Any] = field(default_factory=dict)
    community_files: dict[str, Any] = field(default_factory=dict)  # a community's own contact and language
    safeguarding: dict[str, Any] = field(default_factory=dict)  # word lists that flag an answer to organisers
    helplines: dict[str, Any] = field(default_factory=dict)  # where help is, by purpose and language
    consent: dict[str, Any] = field(default_factory=dict)  # recorded readings of the consent summary
    sources: dict[str, Path] = field(default_factory=dict)  # conversation id -> its file
    problems: list[Problem] = field(default_factory=list)
    # language -> (texts present, texts expected), over every text in every file
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def round_for(self, community: str, now: datetime | None = None, closed: Iterable[str] = ()) -> Round | None:
        """The round a participant of this community answers (at `now`: the one open then; see sequence.py)."""
        return round_for(self, community, now, closed=closed)

    def communities(self) -> set[str]:
        own = {community.community for community in self.communities_of.values()}
        return {conversation.community for conversation in self.rounds.values()} | own | {"default"}

    @property
    def communities_of(self) -> dict[str, Any]:
        """Community files by their community code."""
        return {community.community: community for community in self.community_files.values()}


def load_library(directory: Path, languages: tuple[str, ...] = ()) -> Library:
    """Read every `*.yaml` in `directory`; conversations with errors are left out and their problems listed."""
    library = Library()
    if not directory.is_dir():
        library.problems.append(Problem(directory, 0, "conversation folder does not exist"))
        return library
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    all_texts: list[dict[str, str]] = []
    for path in files:
        data, problems = parse_file(path)
        library.problems.extend(problems)
        if data is None:
            continue
        checker = FileChecker(path, data)
        kind = KINDS.get(str(data.get("kind")))
        if kind is None:
            checker.problem(("kind",), f"unknown kind {data.get('kind')!r}; use one of: {', '.join(KINDS)}")
            library.problems.extend(checker.problems)
            continue
        try:
            conversation = kind.model.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                checker.problem(tuple(detail["loc"]), friendly(detail))
            library.problems.extend(checker.problems)
            library.problems.extend(Problem(path, line, message) for line, message in missing_dutch(data))
            continue
        kind.check(checker, conversation)
        conversation_id = getattr(conversation, "id", path.stem)
        if conversation_id in library.sources:
            checker.problem(
                ("id",), f"duplicate conversation id {conversation_id!r} (also in {library.sources[conversation_id]})"
            )
        texts = kind.texts(conversation)
        all_texts.extend(text for _, text in texts)
        for loc, text in texts:
            for language in text:
                if languages and language not in languages:
                    checker.problem(loc, f"unknown language {language!r}", "warning")
        library.problems.extend(checker.problems)
        if not any(problem.severity == "error" for problem in checker.problems):
            library.sources.setdefault(conversation_id, path)
            getattr(library, kind.shelf)[conversation_id] = conversation
    library.problems.extend(sequence_problems(library))  # rounds of one community in order, not on top of each other
    for language in languages:
        present = sum(1 for text in all_texts if text.get(language))
        library.coverage[language] = (present, len(all_texts))
    return library
