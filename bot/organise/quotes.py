"""Which approved texts a brief quotes: fairly across languages and roles, never simply the newest.

A facilitator reads the brief as "what people said". Quoting the newest few lets the language that answered last
speak for everyone. So every language and every role that has an approved text appears at least once; the rest of
the places go round the languages that have had the fewest, spread over the whole period; the brief says how many
more are in the export. Every minority voice is quoted (they are few, and the point of Deep Democracy is that each
is heard).

A quote can carry an organiser-language translation and media beside the original
(bot/organise/quote_extras.py fills them from what the background jobs stored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

QUOTES_PER_QUESTION = 6


@dataclass(frozen=True)
class Quote:
    answer_id: int
    text: str
    language: str | None
    role: str | None
    option: str | None = None  # the option it goes with: for a minority voice, the one it defends
    step: str | None = None  # Deep Democracy step: None (a round answer or the minority's view), need, take
    translation: str | None = None  # in the organiser's language, where one exists
    translation_language: str | None = None
    media: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # e.g. a photo or a voice note's transcript


def from_row(row: dict[str, Any]) -> Quote:
    voice = row.get("text") is None  # a voice message: listed with its length, its words come from a transcript
    return Quote(
        answer_id=int(row["id"]),
        text="" if voice else str(row["text"]),
        language=row.get("language"),
        role=row.get("role"),
        option=None if row.get("defends") is None else str(row["defends"]),
        step=row.get("step"),
        media=({"kind": "voice", "seconds": row.get("seconds")},) if voice else (),
    )


def _spread(items: Sequence[Quote], count: int) -> list[Quote]:
    """`count` items spread evenly over the period (first, last, and between), not the newest ones."""
    if count >= len(items):
        return list(items)
    if count == 1:
        return [items[len(items) // 2]]
    step = (len(items) - 1) / (count - 1)
    return [items[round(index * step)] for index in range(count)]


def fair_pick(quotes: Sequence[Quote], limit: int = QUOTES_PER_QUESTION) -> tuple[list[Quote], int]:
    """Quotes to show (every language and role represented) and how many are left for the export."""
    if not quotes:
        return [], 0
    by_language: dict[str | None, list[Quote]] = {}
    for quote in sorted(quotes, key=lambda quote: quote.answer_id):
        by_language.setdefault(quote.language, []).append(quote)
    chosen: dict[int, Quote] = {}
    roles: set[str | None] = set()
    # 1. One per language, taking a role not heard yet where the language has one.
    for language in sorted(by_language, key=lambda code: (-len(by_language[code]), str(code))):
        group = by_language[language]
        pick = next((quote for quote in group if quote.role not in roles), group[len(group) // 2])
        chosen[pick.answer_id] = pick
        roles.add(pick.role)
    # 2. Every role heard: from the language quoted least so far.
    for role in sorted({quote.role for quote in quotes} - roles, key=str):
        options = [quote for quote in quotes if quote.role == role and quote.answer_id not in chosen]
        counts = {code: sum(1 for q in chosen.values() if q.language == code) for code in by_language}
        pick = min(options, key=lambda quote: (counts.get(quote.language, 0), quote.answer_id))
        chosen[pick.answer_id] = pick
    # 3. The places left go round the languages, fewest first, each spread over the period.
    while len(chosen) < limit:
        counts = {code: sum(1 for q in chosen.values() if q.language == code) for code in by_language}
        open_languages = [code for code in by_language if any(q.answer_id not in chosen for q in by_language[code])]
        if not open_languages:
            break
        language = min(open_languages, key=lambda code: (counts[code], -len(by_language[code]), str(code)))
        left = [quote for quote in by_language[language] if quote.answer_id not in chosen]
        pick = _spread(left, 1)[0]
        chosen[pick.answer_id] = pick
    shown = sorted(chosen.values(), key=lambda quote: (str(quote.language), quote.answer_id))
    return shown, len(quotes) - len(shown)


def by_option(quotes: Sequence[Quote]) -> dict[str | None, list[Quote]]:
    """Minority voices grouped by the option they defend, in the order they came."""
    groups: dict[str | None, list[Quote]] = {}
    for quote in sorted(quotes, key=lambda quote: quote.answer_id):
        groups.setdefault(quote.option, []).append(quote)
    return groups
