"""The `safeguarding` kind: words of distress or danger, a list per language, that flag an answer to organisers.

Organisers keep the lists beside the conversations (`conversations/safeguarding.yaml`), check them with
`samenspraak check` and reload them with `/reload`, like any other content. A word ending in `*` matches any
ending (`zelfmoord*` matches `zelfmoordgedachten`); a phrase matches with any spaces between its words.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.content.checker import REQUIRED_LANGUAGE, FileChecker, TextList
from bot.content.model import ID_PATTERN, MAX_ID_LENGTH, Strict


class SafeguardingWords(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    kind: Literal["safeguarding"]
    words: dict[str, tuple[str, ...]]

    @field_validator("words", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        if isinstance(value, dict):
            cleaned: dict[str, list[str]] = {}
            for language, words in value.items():
                if not isinstance(words, list):
                    raise ValueError(f"the {language!r} words must be a list, e.g. [word, other word]")
                cleaned[str(language)] = [str(word).strip() for word in words if word is not None]
            return cleaned
        return value


def check_safeguarding(checker: FileChecker, content: SafeguardingWords) -> None:
    if not content.words.get(REQUIRED_LANGUAGE):
        checker.problem(("words",), f"missing Dutch ({REQUIRED_LANGUAGE}) words")
    for language, words in content.words.items():
        seen: set[str] = set()
        for index, word in enumerate(words):
            if not word.rstrip("*").strip():
                checker.problem(("words", language, index), "an empty word matches everything")
            elif word.casefold() in seen:
                checker.problem(("words", language, index), f"{word!r} is listed twice", "warning")
            seen.add(word.casefold())


def safeguarding_texts(content: SafeguardingWords) -> TextList:
    """Word lists are not translations of one text, so they stay out of the coverage table."""
    return []
