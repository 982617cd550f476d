"""Matching an answer against the organisers' distress lists: what matched, in which list, and why.

A list entry is a word or a phrase (see conversations/safeguarding.yaml for how organisers write them):
`word*` matches any ending, `*word` any beginning (Arabic joins و، ف، ال to a word), and the words of a phrase
match with or without spaces between them (people type می‌خواهم, می خواهم and میخواهم). Each language's list is
read against answers in that language and in Dutch and English, which people mix into messages in any language;
a list run against every answer flags innocent Dutch words that are distress in another language. An exclusion
is a known innocent phrase: a match inside it is not a flag ("viol de nos droits", "dood hout").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.distress.normalise import normalise

# What a flag is about, most urgent first; help lines name the kinds they answer for (conversations/helplines.yaml).
FLAG_KINDS = ("suicide", "sexual-violence", "violence", "exploitation")
# Languages read together with every answer: people mix them into messages in any language.
ALWAYS_READ = ("nl", "en")
# Languages written alike enough to share their lists (Dari and Iranian Persian).
SHARED_LISTS = {"prs": ("fa",), "fa": ("prs",)}


@dataclass(frozen=True)
class Match:
    """One list entry found in a text."""

    kind: str  # suicide, sexual-violence, violence, exploitation
    language: str  # whose list it is in
    word: str  # the entry as the organisers wrote it
    found: str  # the words of the text it matched, as the matcher read them (normalised)


@dataclass(frozen=True)
class Excluded:
    """A list entry found in a text, but inside a known innocent phrase."""

    match: Match
    phrase: str  # the exclusion as the organisers wrote it


ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
Key = tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...]


def _part(part: str) -> str:
    head = r"\w*" if part.startswith("*") else ""
    tail = r"\w*" if part.endswith("*") else ""
    return head + re.escape(part.strip("*")) + tail


def pattern(entry: str) -> str | None:
    """A list entry as a regular expression over normalised text; None for an entry that would match anything."""
    parts = [part for part in normalise(entry).split(" ") if part.strip("*")]
    if not parts:
        return None
    # Arabic writes "and" and "so" joined to the next word (ولست بأمان, فبدي موت): allowed before any Arabic entry.
    joined = "(?:[وف])?" if ARABIC_SCRIPT.match(parts[0].lstrip("*")) else ""
    return r"(?<!\w)" + joined + r"\s?".join(_part(part) for part in parts) + r"(?!\w)"


@dataclass(frozen=True)
class _Compiled:
    kind: str
    language: str
    words: tuple[str, ...]
    finder: re.Pattern[str] | None  # one alternation, a named group per entry
    exclusions: tuple[tuple[str, re.Pattern[str]], ...]


def _compile(kind: str, language: str, words: tuple[str, ...], exclude: tuple[str, ...]) -> _Compiled:
    alternatives = [f"(?P<w{index}>{found})" for index, word in enumerate(words) if (found := pattern(word))]
    finder = re.compile("|".join(alternatives)) if alternatives else None
    exclusions = tuple((phrase, re.compile(found)) for phrase in exclude if (found := pattern(phrase)))
    return _Compiled(kind, language, words, finder, exclusions)


@lru_cache(maxsize=16)
def _compiled(key: Key) -> tuple[_Compiled, ...]:
    return tuple(_compile(*entry) for entry in key)


def _key(lists: Any) -> Key:
    """The lists as plain tuples: the cache key of their compiled form, rebuilt only when content changes."""
    contents = [lists] if hasattr(lists, "lists") else list(lists)
    entries = []
    for content in contents:
        kinds: Mapping[str, Any] = content.lists
        for kind, distress in kinds.items():
            for language, words in distress.words.items():
                entries.append((kind, language, tuple(words), tuple(distress.exclude.get(language, ()))))
    return tuple(entries)


def _read_languages(language: str | None) -> set[str] | None:
    if language is None:
        return None  # every list: an organiser testing a word without saying in which language
    return {language, *ALWAYS_READ, *SHARED_LISTS.get(language, ())}


def explain(text: str, language: str | None, lists: Any) -> tuple[list[Match], list[Excluded]]:
    """What the lists find in a text read as `language` (None: every list), and what exclusions set aside."""
    if not text:
        return [], []
    normal = normalise(text)
    wanted = _read_languages(language)
    found: list[Match] = []
    excluded: list[Excluded] = []
    for compiled in _compiled(_key(lists)):
        if compiled.finder is None or (wanted is not None and compiled.language not in wanted):
            continue
        innocent = [(phrase, hit.span()) for phrase, finder in compiled.exclusions for hit in finder.finditer(normal)]
        for hit in compiled.finder.finditer(normal):
            assert hit.lastgroup is not None
            one = Match(compiled.kind, compiled.language, compiled.words[int(hit.lastgroup[1:])], hit.group(0))
            start, end = hit.span()
            cover = next((phrase for phrase, (left, right) in innocent if left < end and start < right), None)
            if cover is not None:
                excluded.append(Excluded(one, cover))
            elif one not in found:
                found.append(one)
    return found, excluded


def match(text: str, language: str | None, lists: Any) -> list[Match]:
    """The list entries of distress or danger in a text written in `language`; empty when there are none.

    `lists` is the safeguarding content (one `SafeguardingWords` or several); `language` the writer's language
    code (their chosen language, or a transcript's). Pure: no clock, no store, no I/O.
    """
    return explain(text, language, lists)[0]


def kinds_of(matches: Iterable[Match]) -> list[str]:
    """The kinds found, most urgent first."""
    present = {found.kind for found in matches}
    return [kind for kind in FLAG_KINDS if kind in present] + sorted(present - set(FLAG_KINDS))


def lists_of(library: Any) -> tuple[Any, ...]:
    """Every safeguarding file the content library holds (usually one)."""
    return tuple(library.safeguarding.values())
