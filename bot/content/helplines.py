"""The `helplines` kind: where a person can get help, by what it is for and the languages it answers in.

The care message after a safeguarding flag (bot/organise/care.py) is built from this file: lines for danger right
now first, then the lines for the flag's kind that speak the person's language, then the others, each saying
honestly which languages it speaks. A line without a source is not trusted: every line names where its number,
hours and languages were checked, so the next organiser can check them again.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from bot.content.checker import REQUIRED_LANGUAGE, FileChecker, Loc, TextList
from bot.content.model import ID_PATTERN, MAX_ID_LENGTH, Strict, Text, _text_map
from bot.distress.matcher import FLAG_KINDS

DANGER = "danger"  # a line for danger right now (112, 101): shown first after every flag
PURPOSES = (DANGER, *FLAG_KINDS)
LANGUAGE_CODE = r"^[a-z]{2,3}$"


def _name(value: object) -> object:
    """A service's own name (Tele-Onthaal) is one text for every language; a description is a map."""
    return {REQUIRED_LANGUAGE: value} if isinstance(value, str) else _text_map(value)


class HelpLine(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    name: Text
    number: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 ]{1,18}[0-9]$")
    web: str | None = None  # a chat or a place to go, when a line has no phone number
    purposes: tuple[str, ...] = Field(alias="for", min_length=1)
    languages: tuple[str, ...] = Field(min_length=1)
    day_and_night: bool = False
    hours: Text | None = None
    source: str  # where the number, hours and languages were checked

    _names = field_validator("name", mode="before")(_name)
    _hours = field_validator("hours", mode="before")(_text_map)

    @field_validator("languages")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [code for code in value if not (code.isascii() and code.islower() and 2 <= len(code) <= 3)]
        if wrong:
            raise ValueError(f"language codes like nl, fr, en; not {', '.join(wrong)}")
        return value


class HelpLines(Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    kind: Literal["helplines"]
    lines: tuple[HelpLine, ...] = Field(min_length=1)


def check_helplines(checker: FileChecker, content: HelpLines) -> None:
    ids = [line.id for line in content.lines]
    for index, line in enumerate(content.lines):
        here: Loc = ("lines", index)
        if ids.index(line.id) != index:
            checker.problem((*here, "id"), f"duplicate help line id {line.id!r}")
        if line.number is None and line.web is None:
            checker.problem(here, f"help line {line.id!r} needs a number or a web address")
        for purpose in line.purposes:
            if purpose not in PURPOSES:
                checker.problem((*here, "for"), f"unknown purpose {purpose!r}; use: {', '.join(PURPOSES)}")
        if not line.source.startswith(("https://", "http://")):
            checker.problem((*here, "source"), f"help line {line.id!r}: give the address where it was checked")
        if line.day_and_night and line.hours:
            checker.problem((*here, "hours"), "a line open day and night has no other hours")
    covered = {purpose for line in content.lines for purpose in line.purposes}
    for purpose in PURPOSES:
        if purpose not in covered:
            checker.problem(("lines",), f"no help line for {purpose!r}: a flag of that kind would get none")
    for loc, text in helpline_texts(content):
        if not text.get(REQUIRED_LANGUAGE):
            checker.problem(loc, f"missing Dutch ({REQUIRED_LANGUAGE}) text")


def helpline_texts(content: HelpLines) -> TextList:
    found: TextList = []
    for index, line in enumerate(content.lines):
        if len(line.name) > 1:  # a description to translate, not a service's own name
            found.append((("lines", index, "name"), line.name))
        if line.hours:
            found.append((("lines", index, "hours"), line.hours))
    return found
