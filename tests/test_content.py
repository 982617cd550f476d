"""Tests for loading and checking conversation files.

Why: organisers edit YAML by hand. Every mistake must be reported as `file:LINE: message` pointing at the line to
fix, `samenspraak check` must exit 1 on any error, and a broken file must never reach participants. The sample
round is the content new deployments start from, so its promises (every answer type, the themes, two languages)
are checked too.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.content import Library, load_library
from bot.content.check import conversation_count, run_check
from bot.content.checker import MAX_BUTTON_DATA, MAX_LABEL_LENGTH
from bot.content.model import ANSWER_TYPES
from bot.content.rounds import round_texts
from bot.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent

VALID = """\
# A small round for the checker.
id: proef
kind: round
title:
  nl: Proef
  en: Trial
prompts:
  - id: eerste
    type: choice
    text:
      nl: Kies er een
      en: Choose one
    options:
      - id: ja
        label:
          nl: Ja
          en: Yes please
      - id: nee
        label:
          nl: Nee
          en: No thanks
  - id: tweede
    type: text
    text:
      nl: Vertel
      en: Tell
"""


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line containing `marker`."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(found) >= occurrence, (marker, found)
    return found[occurrence - 1]


def changed(old: str, new: str, count: int = 1) -> str:
    assert VALID.count(old) >= count, old
    return VALID.replace(old, new, count)


def check(directory: Path) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = run_check(directory, out)
    return code, out.getvalue().splitlines()


def test_the_valid_base_file_passes(tmp_path: Path) -> None:
    (tmp_path / "proef.yaml").write_text(VALID, encoding="utf-8")
    code, lines = check(tmp_path)
    assert code == 0, lines
    assert lines[-1] == "1 conversation(s) ok, 0 error(s), 0 warning(s)"
    library = load_library(tmp_path, tuple(LANGUAGES))
    assert list(library.rounds) == ["proef"]
    labels = [option.label for option in library.rounds["proef"].prompts[0].options]
    assert labels == [{"nl": "Ja", "en": "Yes please"}, {"nl": "Nee", "en": "No thanks"}]


LONG_LABEL = "No, not at all, not today and not tomorrow either"  # 49 characters, in one language only

# Each case: the broken file, the marker on the line that must be reported (and which occurrence), and words of
# the message.
BROKEN = {
    "yaml-syntax": (
        changed("      nl: Vertel\n", "      nl: Vertel: nu meteen\n"),
        ("nl: Vertel: nu", 1),
        "put a text that contains ': ' between quotes",
    ),
    "unknown-answer-type": (
        changed("    type: text\n", "    type: dance\n"),
        ("type: dance", 1),
        "unknown answer type 'dance'",
    ),
    "duplicate-prompt-id": (
        changed("  - id: tweede\n", "  - id: eerste\n"),
        ("- id: eerste", 2),
        "duplicate prompt id 'eerste'",
    ),
    "duplicate-option-id": (
        changed("      - id: nee\n", "      - id: ja\n"),
        ("- id: ja", 2),
        "duplicate option id 'ja'",
    ),
    "label-too-long": (
        changed("          en: No thanks\n", f"          en: {LONG_LABEL}\n"),
        (LONG_LABEL, 1),
        f"button label in 'en' is {len(LONG_LABEL)} characters; at most {MAX_LABEL_LENGTH}",
    ),
    "next-to-missing-prompt": (
        changed("      - id: nee\n", "      - id: nee\n        next: derde\n"),
        ("next: derde", 1),
        "reference to missing prompt 'derde'",
    ),
    "missing-dutch": (
        changed("      nl: Vertel\n", ""),
        ("    text:", 2),
        "missing Dutch (nl) text",
    ),
    "missing-dutch-label": (
        changed("          nl: Nee\n", ""),
        ("        label:", 2),
        "missing Dutch (nl) text",
    ),
    "unknown-field": (
        changed("    type: text\n", "    type: text\n    optinal: true\n"),
        ("optinal: true", 1),
        "unknown field",
    ),
    "text-as-plain-string": (
        changed("    text:\n      nl: Vertel\n      en: Tell\n", "    text: Vertel eens\n"),
        ("text: Vertel eens", 1),
        "a text must be a map of languages",
    ),
    "ids-too-long-for-button-data": (
        changed("id: proef\n", "id: leven-in-de-binnenstad\n")
        .replace("  - id: eerste\n", "  - id: wat-vind-je-van-de-bus\n")
        .replace("      - id: nee\n", "      - id: misschien-later-en-zo\n"),
        ("- id: wat-vind-je-van-de-bus", 1),
        "too long for a button",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_is_reported_at_its_line(tmp_path: Path, case: str) -> None:
    text, (marker, occurrence), words = BROKEN[case]
    path = tmp_path / "ronde.yaml"
    path.write_text(text, encoding="utf-8")
    expected_line = line_of(text, marker, occurrence)
    code, lines = check(tmp_path)
    assert code == 1
    reported = [line for line in lines if line.startswith(f"{path}:")]
    assert len(reported) == 1, lines
    assert lines[-1].endswith(" 1 error(s), 0 warning(s)")
    assert any(line.startswith(f"{path}:{expected_line}: ") and words in line for line in reported), (
        expected_line,
        reported,
    )
    # A file with an error never reaches participants.
    library = load_library(tmp_path, tuple(LANGUAGES))
    assert not library.ok
    assert "proef" not in library.rounds
    assert library.rounds == {}
    assert all(re.fullmatch(rf"{re.escape(str(path))}:\d+: .+", line) for line in reported)


def test_ids_that_do_not_fit_in_button_data_are_really_too_long() -> None:
    # The case above is a real overflow, not one the checker merely guesses.
    assert len(b"a:leven-in-de-binnenstad:wat-vind-je-van-de-bus:misschien-later-en-zo") > MAX_BUTTON_DATA


def test_a_duplicate_conversation_id_across_two_files(tmp_path: Path) -> None:
    first = tmp_path / "a-eerste.yaml"
    second = tmp_path / "b-tweede.yaml"
    first.write_text(VALID, encoding="utf-8")
    other = VALID.replace("  nl: Proef\n", "  nl: Een andere proef\n")
    second.write_text(other, encoding="utf-8")
    code, lines = check(tmp_path)
    assert code == 1
    expected = f"{second}:{line_of(other, 'id: proef')}: duplicate conversation id 'proef' (also in {first})"
    assert expected in lines
    assert not any(line.startswith(f"{first}:") for line in lines)
    library = load_library(tmp_path, tuple(LANGUAGES))
    assert library.rounds["proef"].title["nl"] == "Proef"  # the first one stays


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    text = VALID.replace("      - id: nee\n", "      - id: ja\n").replace("  - id: tweede\n", "  - id: eerste\n")
    path = tmp_path / "twee-fouten.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = check(tmp_path)
    assert code == 1
    assert f"{path}:{line_of(text, '- id: ja', 2)}: duplicate option id 'ja'" in lines
    assert f"{path}:{line_of(text, '- id: eerste', 2)}: duplicate prompt id 'eerste'" in lines
    assert lines[-1] == "0 conversation(s) ok, 2 error(s), 0 warning(s)"


def test_a_broken_file_does_not_hide_a_good_one(tmp_path: Path) -> None:
    (tmp_path / "goed.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "kapot.yaml").write_text(VALID.replace("id: proef", "id: kapot").replace("type: text", "type: x"))
    library = load_library(tmp_path, tuple(LANGUAGES))
    assert list(library.rounds) == ["proef"]
    assert len(library.errors) == 1
    code, _lines = check(tmp_path)
    assert code == 1


# -- the real content ------------------------------------------------------------------------------------------


def test_the_real_conversations_pass_with_full_dutch(library: Library) -> None:
    code, lines = check(ROOT / "conversations")
    assert code == 0, lines
    assert not [line for line in lines if ": " in line and line.split(":", 1)[0].endswith(".yaml")]
    assert "Translation coverage (texts present / texts in all conversations):" in lines
    coverage = {}
    for line in lines:
        match = re.fullmatch(r"\s+([a-z]{2,3})\s+.+?\s+(\d+)/(\d+)\s+([\d.]+)%.*", line)
        if match:
            coverage[match[1]] = (int(match[2]), int(match[3]), match[4])
    assert set(coverage) == set(LANGUAGES)
    present, total, share = coverage["nl"]
    assert total > 0
    assert (present, share) == (total, "100.0")
    assert coverage["en"][2] == "100.0"
    assert lines[-1] == f"{conversation_count(library)} conversation(s) ok, 0 error(s), 0 warning(s)"


def test_the_sample_round_covers_what_a_round_should(library: Library) -> None:
    conversation = library.rounds["leven-in-onze-stad"]
    prompts = conversation.prompts
    assert len(prompts) >= 6
    assert {prompt.type for prompt in prompts} == set(ANSWER_TYPES)
    assert {"housing", "mobility", "work", "safety", "meeting"} <= {prompt.theme for prompt in prompts}
    open_questions = [prompt for prompt in prompts if prompt.type == "text" and prompt.theme == "open"]
    assert open_questions, "the round ends with an open question"
    assert all(prompt.max_length is None or prompt.max_length >= 200 for prompt in open_questions)
    choice = next(prompt for prompt in prompts if prompt.type == "choice")
    assert len(choice.options) >= 2
    scale = next(prompt for prompt in prompts if prompt.type == "scale")
    assert scale.low and scale.high


def test_the_sample_round_has_dutch_and_english_everywhere(library: Library) -> None:
    conversation = library.rounds["leven-in-onze-stad"]
    texts = [conversation.title]
    texts += [text for text in (conversation.intro, conversation.closing) if text is not None]
    for prompt in conversation.prompts:
        texts.append(prompt.text)
        texts += [text for text in (prompt.low, prompt.high) if text is not None]
        texts += [option.label for option in prompt.options]
    assert len(texts) == len(round_texts(conversation))  # every text of the round is looked at here
    for text in texts:
        assert text.get("nl"), text
        assert text.get("en"), text
    for prompt in conversation.prompts:
        for option in prompt.options:
            assert all(len(label) <= MAX_LABEL_LENGTH for label in option.label.values())


def test_the_sample_intro_counts_the_questions(library: Library) -> None:
    conversation = library.rounds["leven-in-onze-stad"]
    numbers = {5: ("Vijf", "Five"), 6: ("Zes", "Six"), 7: ("Zeven", "Seven"), 8: ("Acht", "Eight")}
    dutch, english = numbers[len(conversation.prompts)]
    assert conversation.intro is not None
    assert dutch in conversation.intro["nl"]
    assert english in conversation.intro["en"]


def test_yes_and_no_labels_stay_words(tmp_path: Path) -> None:
    text = VALID.replace("en: Yes please", "en: Yes").replace("en: No thanks", "en: No")
    (tmp_path / "ja-nee.yaml").write_text(text, encoding="utf-8")
    library = load_library(tmp_path, tuple(LANGUAGES))
    if library.ok:
        labels = [option.label["en"] for option in library.rounds["proef"].prompts[0].options]
        assert labels == ["Yes", "No"]
    else:
        assert library.errors[0].line == line_of(text, "en: Yes")


def test_a_repeated_key_is_reported(tmp_path: Path) -> None:
    text = VALID.replace("      nl: Vertel\n", "      nl: Vertel\n      nl: Zeg het maar\n")
    path = tmp_path / "dubbel.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = check(tmp_path)
    assert code == 1
    assert any(line.startswith(f"{path}:{line_of(text, 'nl: Zeg het maar')}: ") for line in lines), lines


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    code, lines = check(tmp_path / "bestaat-niet")
    assert code == 1
    assert any("conversation folder does not exist" in line for line in lines)


def test_three_different_mistakes_are_all_reported_in_one_pass(tmp_path: Path) -> None:
    """A key typo, a text without Dutch and an unknown answer type: an organiser fixes all three after one run."""
    text = (
        VALID.replace("    text:\n      nl: Vertel\n", "    txet:\n      nl: Vertel\n")
        .replace("          nl: Nee\n          en: No thanks\n", "          en: No thanks\n")
        .replace("    type: text\n", "    type: tekst\n")
    )
    path = tmp_path / "drie-fouten.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = check(tmp_path)
    assert code == 1
    assert any(line.startswith(f"{path}:{line_of(text, 'txet:')}: ") and "unknown field" in line for line in lines)
    assert any(
        line.startswith(f"{path}:{line_of(text, 'type: tekst')}: ") and "unknown answer type 'tekst'" in line
        for line in lines
    )
    assert any(
        line.startswith(f"{path}:{line_of(text, 'label:', 2)}: ") and "missing Dutch (nl) text" in line
        for line in lines
    ), lines


@pytest.mark.parametrize(
    ("text", "marker", "words"),
    [
        ("id: proef\nkind: round\ntitle:\n\tnl: Proef\n", "\tnl", "a tab character"),
        ("id: proef\nkind: round\ntitle: {nl: Wat denk je?}\n", "title:", "put the text between quotes"),
        ("id: proef\nkind: round\ntitle:\n  nl: Proef\n en: Trial\n", " en:", "indentation"),
        ("id: proef\nkind: round\ntitle:\n  nl:Proef\n  en: Trial\n", "  en:", "a space after the colon"),
    ],
    ids=["tab", "question-mark-in-braces", "indentation", "missing-space"],
)
def test_yaml_syntax_errors_are_said_for_organisers(tmp_path: Path, text: str, marker: str, words: str) -> None:
    path = tmp_path / "kapot.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = check(tmp_path)
    assert code == 1
    reported = [line for line in lines if line.startswith(f"{path}:")]
    assert len(reported) == 1 and words in reported[0], reported
    assert reported[0].startswith(f"{path}:{line_of(text, marker)}: YAML: "), reported
