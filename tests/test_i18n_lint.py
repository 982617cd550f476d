"""The i18n lint: one word per concept (locales/terms.yaml) across catalogs and conversations, French spacing,
and every button label short enough for a phone, in every language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import Library
from bot.content.kinds import KINDS
from bot.distress import normalise
from bot.engine.keyboards import consent_rows, forget_rows, language_rows, prompt_rows, role_rows
from bot.engine.outgoing import ButtonSpec
from bot.engine.walk_cards import MAX_BUTTON, alone_rows, reflection_rows, walk_button, without_marks
from bot.engine.walk_groups import GroupWalk, group_buttons
from bot.features.followups.texts import rsvp_rows
from bot.i18n import LANGUAGES, locales_dir, translator
from tests.support.catalogs import read_catalog

ROOT = Path(__file__).resolve().parent.parent
TERMS: dict[str, dict[str, Any]] = yaml.safe_load((locales_dir() / "terms.yaml").read_text(encoding="utf-8"))["terms"]
CATALOG_LANGUAGES = [code for code in LANGUAGES if code != "en"]


def catalog_strings(language: str, plurals: bool = True) -> Iterator[tuple[str, str]]:
    """(English source, translation) of every message of a language's catalog."""
    for message in read_catalog(locales_dir() / language / "LC_MESSAGES" / "samenspraak.po"):
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        if isinstance(message.string, tuple):
            if plurals:
                yield from ((source, text) for text in message.string)
        else:
            yield source, message.string


def content_texts(library: Library) -> Iterator[dict[str, str]]:
    for shelf in ("rounds", "walks", "meetings", "helplines"):
        for conversation in getattr(library, shelf).values():
            kind = KINDS[conversation.kind]
            yield from (text for _loc, text in kind.texts(conversation))


def has(text: str, stems: str) -> bool:
    return any(normalise(stem) in normalise(text) for stem in stems.split("|"))


@pytest.mark.parametrize("term", sorted(TERMS))
def test_each_concept_has_one_word_per_language_in_catalogs_and_conversations(term: str, library: Library) -> None:
    entry = TERMS[term]
    wrong: list[str] = []
    for language, stems in entry.get("use", {}).items():
        if entry.get("en") and language in CATALOG_LANGUAGES:
            for source, text in catalog_strings(language):
                if re.search(entry["en"], source, re.IGNORECASE) and not has(text, stems):
                    wrong.append(f"{language} catalog: {text!r} lacks {stems!r} ({source!r})")
        if entry.get("nl"):
            for text in content_texts(library):
                own = text.get(language)
                if own and re.search(entry["nl"], text.get("nl", ""), re.IGNORECASE) and not has(own, stems):
                    wrong.append(f"{language} conversation: {own!r} lacks {stems!r} ({text['nl']!r})")
    for language, words in entry.get("avoid", {}).items():
        texts = [text for _source, text in catalog_strings(language)] if language in CATALOG_LANGUAGES else []
        texts += [text[language] for text in content_texts(library) if text.get(language)]
        wrong += [f"{language}: avoid {word!r} in {text!r}" for word in words for text in texts if has(text, word)]
    assert wrong == []


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_termbase_words_are_the_ones_the_texts_use(language: str, library: Library) -> None:
    texts = [text for _source, text in catalog_strings(language)]
    texts += [text[language] for text in content_texts(library) if text.get(language)]
    unused = [term for term, entry in TERMS.items() if language in entry.get("use", {})]
    unused = [term for term in unused if not any(has(text, TERMS[term]["use"][language]) for text in texts)]
    assert unused == []


def test_the_termbase_names_every_language() -> None:
    for term, entry in TERMS.items():
        if entry.get("use"):
            assert set(entry["use"]) >= set(LANGUAGES) - {"en"}, term
    assert set(TERMS["dutch"]["name"]) == set(LANGUAGES)


FRENCH_SPACE = re.compile(r"[^\s\u00a0\u202f]?( )([?!;:])(?=\s|$)")


def test_french_puts_a_non_breaking_space_before_two_part_punctuation(library: Library) -> None:
    # Plural entries are left out: their lines change on main with the plural forms (see the report to the lead).
    texts = [text for _source, text in catalog_strings("fr", plurals=False)]
    texts += [text["fr"] for text in content_texts(library) if text.get("fr")]
    assert [text for text in texts if FRENCH_SPACE.search(text)] == []


def labels(rows: Iterable[tuple[ButtonSpec, ...]]) -> list[str]:
    return [button.label for row in rows for button in row]


def rendered_buttons(language: str, library: Library) -> list[str]:
    t = translator(language)
    found = labels(language_rows(language)) + labels(consent_rows(t)) + labels(role_rows(t)) + labels(forget_rows(t))
    found += labels(rsvp_rows(t, "meeting")) + labels(reflection_rows(0, t))
    for conversation in library.rounds.values():
        for prompt in conversation.prompts:
            found += labels(prompt_rows(conversation, prompt, t))
    for walk in library.walks.values():
        found += [walk_button("🚶 {title}", walk, t), walk_button("👥 " + t.gettext("Lead a group: {title}"), walk, t)]
        for index in range(len(walk.stops)):
            found += labels(alone_rows(walk, index, t))
            group = GroupWalk(None, "wg-1", walk.id, "telegram", "-100", "7", language, stop=index - 1)
            found += labels(group_buttons(walk, group, t))
    return found


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_rendered_button_label_fits_a_phone(language: str, library: Library) -> None:
    long = [label for label in rendered_buttons(language, library) if len(without_marks(label)) > MAX_BUTTON]
    assert long == []
