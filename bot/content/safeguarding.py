"""The `safeguarding` kind: words of distress or danger, by kind and language, that flag an answer to organisers.

Organisers keep the lists beside the conversations (`conversations/safeguarding.yaml`), check them with
`samenspraak check`, try them with `samenspraak safeguarding test`, and reload them with `/reload`, like any other
content. Each kind of flag (suicide, sexual-violence, violence, exploitation) has its own lists, so the care message
after a flag can give the help lines for that kind; each list can carry exclusions, known innocent phrases.
How an entry matches is in bot/distress/matcher.py.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.content.checker import REQUIRED_LANGUAGE, FileChecker, TextList
from bot.content.model import ID_PATTERN, MAX_ID_LENGTH, Strict
from bot.distress.matcher import FLAG_KINDS, pattern

WordLists = dict[str, tuple[str, ...]]


def _word_lists(value: object) -> object:
    if isinstance(value, dict):
        cleaned: dict[str, list[str]] = {}
        for language, words in value.items():
            if not isinstance(words, list):
                raise ValueError(f"the {language!r} words must be a list, e.g. [word, other word]")
            cleaned[str(language)] = [str(word).strip() for word in words if word is not None]
        return cleaned
    return value


class DistressList(Strict):
    """One kind's words per language, and per language the innocent phrases that contain them."""

    words: WordLists
    exclude: WordLists = Field(default_factory=dict)

    _lists = field_validator("words", "exclude", mode="before")(_word_lists)


class SafeguardingWords(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    kind: Literal["safeguarding"]
    lists: dict[str, DistressList]


def check_safeguarding(checker: FileChecker, content: SafeguardingWords) -> None:
    for kind, distress in content.lists.items():
        if kind not in FLAG_KINDS:
            checker.problem(("lists", kind), f"unknown kind of flag {kind!r}; use one of: {', '.join(FLAG_KINDS)}")
        if not distress.words.get(REQUIRED_LANGUAGE):
            checker.problem(("lists", kind, "words"), f"missing Dutch ({REQUIRED_LANGUAGE}) words for {kind!r}")
        for part in ("words", "exclude"):
            for language, words in getattr(distress, part).items():
                _check_words(checker, ("lists", kind, part, language), words)
        for language in distress.exclude:
            if language not in distress.words:
                checker.problem(
                    ("lists", kind, "exclude", language), f"exclusions in {language!r}, but no {language!r} words"
                )


def _check_words(checker: FileChecker, here: tuple[str, ...], words: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for index, word in enumerate(words):
        if pattern(word) is None:
            checker.problem((*here, index), "an empty word matches everything")
        elif word.casefold() in seen:
            checker.problem((*here, index), f"{word!r} is listed twice", "warning")
        seen.add(word.casefold())


def safeguarding_texts(content: SafeguardingWords) -> TextList:
    """Word lists are not translations of one text, so they stay out of the coverage table."""
    return []
