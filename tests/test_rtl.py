"""Right to left done right: every Arabic, Persian, Dari and Pashto string rendered with a bidi library (python-bidi,
the Unicode bidirectional algorithm) shows commands as /start, phone numbers in their own order, and reads as a
right-to-left paragraph even when it begins with a Latin word (Samenspraak, Telegram, Hapje!Klapje)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bidi import get_base_level, get_display

from bot.content import Library
from bot.engine.notices import consent_text, help_text
from bot.i18n import FSI, LANGUAGES, PDI, locales_dir, translator
from bot.organise.care import care_message
from tests.support.catalogs import read_catalog
from tools.rtl_marks import mark

RTL = [code for code, language in LANGUAGES.items() if language.rtl]
COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z_]*")
PHONE = re.compile(r"(?<![\w{])\d{3,4}(?: \d{2,3}){0,2}(?![\w}])")
PLACEHOLDER = re.compile(r"\{\w+\}")
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def strings(language: str) -> list[tuple[str, str]]:
    catalog = read_catalog(locales_dir() / language / "LC_MESSAGES" / "samenspraak.po")
    found = []
    for message in catalog:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        found += [(key, text) for text in texts]
    return found


def filled(text: str) -> str:
    """As the bot sends it: every {placeholder} replaced by an isolated value (Translator.format)."""
    return PLACEHOLDER.sub(lambda _found: f"{FSI}Sint-Pietersplein 12{PDI}", text)


def problems(text: str) -> list[str]:
    """What a right-to-left reader would see wrong, paragraph by paragraph."""
    found = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        display = get_display(line)
        if RIGHT_TO_LEFT.search(line) and get_base_level(line) != 1:
            found.append(f"laid out left to right: {line!r}")
        for command in COMMAND.findall(line):
            if command not in display:
                found.append(f"{command} shows reversed in {line!r}")
        for number in PHONE.findall(line):
            if number not in display:
                found.append(f"{number} shows in the wrong order in {line!r}")
    return found


@pytest.mark.parametrize("language", RTL)
def test_every_right_to_left_catalog_string_displays_commands_numbers_and_direction_right(language: str) -> None:
    wrong = {key: problems(filled(text)) for key, text in strings(language)}
    assert {key: found for key, found in wrong.items() if found} == {}


@pytest.mark.parametrize("language", RTL)
def test_the_composed_messages_display_right(language: str, library: Library) -> None:
    t = translator(language)
    for text in (
        help_text(t, "participatie@gent.be"),
        help_text(t, "participatie@gent.be", library),
        consent_text(t, "participatie@gent.be", 12),
        care_message(language, "participatie@gent.be", library, ["violence"]).text,
        care_message(language, "", library, ["suicide"]).text,
    ):
        assert problems(text) == [], text


def test_the_bidi_check_catches_what_it_is_for() -> None:
    """The test above would pass on nothing: here it fails on unmarked strings, and marking mends them."""
    bare = "أرسل /start للبدء\nSamenspraak تسألك أسئلة\nاتصل على 0800 32 123"
    assert len(problems(bare)) == 3
    assert problems(mark(bare)) == []


def test_the_marks_are_kept_by_the_tool_that_makes_them(tmp_path: Path) -> None:
    assert mark(mark("Telegram ينقل /mydata 112")) == mark("Telegram ينقل /mydata 112")
