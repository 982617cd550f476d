"""Every participant in their own language: complete catalogs, plural forms, right-to-left text, guessing."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel import Locale

from bot.content import Library
from bot.engine import Engine, ParticipantState, events
from bot.i18n import FSI, LANGUAGES, PDI, available_languages, guess_language, locales_dir, pick, translator
from tests.support.catalogs import assert_complete, read_catalog

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def catalogs() -> list[Path]:
    return sorted(locales_dir().glob("*/LC_MESSAGES/samenspraak.po"))


def test_all_eleven_languages_have_a_catalog() -> None:
    assert {path.parts[-3] for path in catalogs()} == set(LANGUAGES)
    assert available_languages()[0] == "nl"


@pytest.mark.parametrize("path", catalogs(), ids=lambda path: path.parts[-3])
def test_catalog_is_complete_with_the_same_placeholders_and_right_plurals(path: Path) -> None:
    catalog = read_catalog(path)
    code = path.parts[-3]
    language = LANGUAGES[code].babel or code  # Dari (prs) is Babel's fa_AF
    assert catalog.locale is not None and str(catalog.locale) == language
    assert catalog.num_plurals == PLURAL_FORMS[code]
    assert_complete(catalog, locales_dir() / "samenspraak.pot", "run pybabel update")


# The number of plural forms each catalog must have, pinned here rather than read from the installed Babel (whose
# tables change between releases: Babel 2.15 gave Persian and Turkish a second form and French a third). These are
# CLDR 47's cardinal plural rules as Babel 2.19 gives them (`Locale.parse(code).plural_form`, plus "other").
PLURAL_FORMS = {
    "nl": 2,
    "en": 2,
    "fr": 3,
    "ar": 6,
    "tr": 2,
    "uk": 3,
    "ru": 3,
    "fa": 2,
    "prs": 2,
    "ps": 2,
    "ti": 2,
    "so": 2,
}


def test_pinned_plural_counts_match_cldr_as_the_locked_babel_gives_them() -> None:
    """When the lock moves Babel to a release with other plural rules, this says which catalogs need new forms.

    Catalogs count whole numbers only, so a CLDR category used for fractions alone (Russian and Ukrainian "other")
    has no slot."""
    for language, forms in PLURAL_FORMS.items():
        rule = Locale.parse(babel_locale(language)).plural_form
        assert len({rule(count) for count in WHOLE_NUMBERS}) == forms, language


def test_plural_formulas_pick_the_cldr_category_of_each_number() -> None:
    """Each catalog's own Plural-Forms formula agrees with CLDR, so translation tools label the slots rightly."""
    for path in catalogs():
        language = path.parts[-3]
        rule = Locale.parse(babel_locale(language)).plural_form
        order = PLURAL_ORDER.get(language, ("one", "other"))
        slot = gettext.c2py(read_catalog(path).plural_expr)
        for count in WHOLE_NUMBERS:
            assert order[slot(count)] == rule(count), (language, count)


WHOLE_NUMBERS = (*range(0, 250), 1000, 1001, 100_000, 1_000_000, 2_000_000)


def babel_locale(language: str) -> str:
    return (LANGUAGES[language].babel or language) if language in LANGUAGES else {"prs": "fa_AF"}[language]


# The slot order of gettext for languages with more than two forms (GNU gettext's and Babel's tables).
PLURAL_ORDER = {
    "fr": ("one", "many", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
    "uk": ("one", "few", "many"),
    "ru": ("one", "few", "many"),
}


def test_arabic_has_six_plural_forms_and_picks_the_right_one() -> None:
    catalog = read_catalog(locales_dir() / "ar" / "LC_MESSAGES" / "samenspraak.po")
    singular, plural = "You gave {count} answer.", "You gave {count} answers."
    forms = catalog[singular].string
    assert len(forms) == 6 and all(forms)
    arabic = translator("ar")
    # zero, one, two, few (3-10), many (11-99), other (100-102): gettext's and CLDR's order for Arabic
    for count, index in ((0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (102, 5)):
        assert arabic.ngettext(singular, plural, count) == forms[index], count


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("nl", "nl"),
        ("nl-BE", "nl"),
        ("fr-be", "fr"),
        ("fa-AF", "prs"),
        ("prs", "prs"),
        ("fa", "fa"),
        ("fa-IR", "fa"),
        ("ar-SY", "ar"),
        ("uk", "uk"),
        ("pt-br", None),
        ("xx", None),
        (None, None),
        ("", None),
    ],
)
def test_language_guess_from_telegram(tag: str | None, expected: str | None) -> None:
    assert guess_language(tag) == expected


def test_right_to_left_messages_isolate_inserted_values() -> None:
    arabic = translator("ar")
    text = arabic.format(arabic.gettext("Question {number} of {total}"), number=2, total=7)
    assert f"{FSI}2{PDI}" in text and f"{FSI}7{PDI}" in text
    assert translator("nl").format("{x}", x="Gent") == "Gent"  # no marks in left-to-right languages


def test_lists_are_joined_as_each_language_joins_them() -> None:
    assert translator("nl").join(["Eva", "Gert", "Noor"]) == "Eva, Gert en Noor"
    assert translator("fr").join(["Eva", "Gert"]) == "Eva et Gert"
    arabic = translator("ar").join(["Eva", "Gert"])
    assert arabic == f"{FSI}Eva{PDI} و{FSI}Gert{PDI}"  # each Latin name keeps its direction


def test_a_prompt_in_arabic_keeps_dutch_names_and_numbers_readable(library: Library) -> None:
    engine = Engine(library)
    state = ParticipantState(channel="terminal", address="x")
    result = engine.handle(state, events.Command("start"), NOW, hint="ar")
    assert result.messages[0].buttons[0][0].data == "lang:ar"  # Telegram's language first
    result = engine.handle(result.state, events.Button("lang:ar"), NOW)
    consent = result.messages[-1].text
    assert "13" in consent
    state = result.state
    for data in ("consent:yes", "role:newcomer"):
        state = engine.handle(state, events.Button(data), NOW).state
    result = engine.handle(state, events.Command("resume"), NOW)
    prompt = result.messages[0]
    assert f"{FSI}1{PDI}" in prompt.text and f"{FSI}7{PDI}" in prompt.text
    scale = [button.data[-1] for button in prompt.buttons[0]]
    assert scale == ["5", "4", "3", "2", "1"]  # a right-to-left reader starts the scale at the right


def test_sample_round_speaks_all_eleven_languages(library: Library) -> None:
    conversation = library.rounds["leven-in-onze-stad"]
    for language in LANGUAGES:
        assert conversation.title.get(language), language
        for prompt in conversation.prompts:
            assert prompt.text.get(language), (language, prompt.id)
            for option in prompt.options:
                assert option.label.get(language), (language, prompt.id, option.id)
    assert library.coverage and all(present == total for present, total in library.coverage.values())


def test_content_falls_back_to_dutch_then_english() -> None:
    assert pick({"nl": "Hallo", "en": "Hello"}, "so") == "Hallo"
    assert pick({"en": "Hello"}, "so") == "Hello"


def test_reminder_is_rendered_in_the_language_stored_when_it_is_sent(library: Library) -> None:
    engine = Engine(library)
    first = engine.render_reminder("tr", "leven-in-onze-stad", "vervoer")
    second = engine.render_reminder("uk", "leven-in-onze-stad", "vervoer")
    assert first is not None and second is not None
    assert library.rounds["leven-in-onze-stad"].prompts[1].text["tr"] in first.text
    assert library.rounds["leven-in-onze-stad"].prompts[1].text["uk"] in second.text
    assert first.buttons[0][0].label != second.buttons[0][0].label


def test_dates_are_formatted_by_babel_in_the_city_time_zone() -> None:
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC) + timedelta(hours=1)  # the night clocks go forward
    dutch = translator("nl").datetime(moment, ZoneInfo("Europe/Brussels"), "short")
    assert "03:30" in dutch or "3:30" in dutch


def test_a_prompt_recording_goes_with_the_prompt_in_that_language_only(library: Library) -> None:
    engine = Engine(library)
    conversation = library.rounds["leven-in-onze-stad"]
    prompt = conversation.prompt("wonen")
    assert prompt is not None
    dutch = engine.prompt_audio(conversation, prompt, "nl")
    assert dutch["voice"].endswith("audio/wonen-nl.ogg") and Path(dutch["voice"]).is_file()
    assert engine.prompt_audio(conversation, prompt, "en") == {}  # no English recording: text only
    reminder = engine.render_reminder("ar", "leven-in-onze-stad", "wonen")
    assert reminder is not None and reminder.payload()["voice"].endswith("wonen-ar.ogg")


def test_check_reports_recordings_and_refuses_a_missing_one(tmp_path: Path) -> None:
    import io

    from bot.content.check import run_check

    out = io.StringIO()
    assert run_check(locales_dir().parent / "conversations", out) == 0
    assert "leven-in-onze-stad: nl 1/7, ar 1/7" in out.getvalue()
    broken = tmp_path / "r.yaml"
    broken.write_text(
        "id: r\nkind: round\ntitle: {nl: T}\nprompts:\n  - id: a\n    type: text\n    text: {nl: Hoi}\n"
        "    audio:\n      nl: audio/missing.ogg\n      fr: ../outside.ogg\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert run_check(tmp_path, out) == 1
    assert f"{broken}:9: recording 'audio/missing.ogg' does not exist" in out.getvalue()
    assert f"{broken}:10: recording '../outside.ogg' must be a path inside the conversations folder" in out.getvalue()


def test_an_edited_catalog_is_read_as_written_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A .po newer than its .mo wins, compiled in memory: an install folder stays as the wheel left it."""
    import os
    import shutil

    from babel.messages.mofile import write_mo

    from bot.i18n import reset_cache

    copy = tmp_path / "locales"
    shutil.copytree(locales_dir() / "nl", copy / "nl", ignore=shutil.ignore_patterns("*.mo"))
    po_path = copy / "nl" / "LC_MESSAGES" / "samenspraak.po"
    stale = read_catalog(po_path)
    stale["Do you agree?"].string = "Oud"
    with (copy / "nl" / "LC_MESSAGES" / "samenspraak.mo").open("wb") as handle:
        write_mo(handle, stale)
    compiled_at = (copy / "nl" / "LC_MESSAGES" / "samenspraak.mo").stat().st_mtime
    os.utime(po_path, (compiled_at + 60, compiled_at + 60))  # edited after the .mo was compiled
    before = sorted(path.name for path in (copy / "nl" / "LC_MESSAGES").iterdir())
    monkeypatch.setenv("SAMENSPRAAK_LOCALES", str(copy))
    reset_cache()
    try:
        assert translator("nl").gettext("Do you agree?") == "Ga je akkoord?"
        assert sorted(path.name for path in (copy / "nl" / "LC_MESSAGES").iterdir()) == before
    finally:
        monkeypatch.delenv("SAMENSPRAAK_LOCALES")
        reset_cache()


def test_dari_is_its_own_language_with_afghan_month_names_and_words() -> None:
    from zoneinfo import ZoneInfo

    from bot.engine.keyboards import language_rows
    from bot.local_dates import full_date

    assert guess_language("fa-AF") == "prs" and guess_language("fa") == "fa"
    chooser = [button.label for row in language_rows(None) for button in row]
    assert "فارسی" in chooser and "دری" in chooser  # the picker shows both
    dari, farsi = translator("prs"), translator("fa")
    day = datetime(2026, 12, 17, 18, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Brussels")).date()
    assert "دسمبر" in full_date(day, dari.locale) and "دسامبر" in full_date(day, farsi.locale)
    assert dari.gettext("I am a volunteer") == "رضاکار هستم"
    assert farsi.gettext("I am a volunteer") == "داوطلب هستم"
    every_farsi = " ".join(
        text
        for message in read_catalog(locales_dir() / "fa" / "LC_MESSAGES" / "samenspraak.po")
        for text in ([message.string] if isinstance(message.string, str) else message.string)
    )
    assert "(رضاکار)" not in every_farsi and "(هالندی)" not in every_farsi  # no bracket glosses in Farsi


def test_a_dari_text_missing_in_content_is_read_in_farsi_before_dutch() -> None:
    assert pick({"nl": "Hallo", "fa": "سلام"}, "prs") == "سلام"
    assert pick({"nl": "Hallo", "fa": "سلام", "prs": "سلام علیکم"}, "prs") == "سلام علیکم"
