"""Targeted announcements: who an announcement goes to, and the preview of who gets it in which language.

    /announce gent role=newcomer language=ar answered=leven-in-onze-stad
    nl: ...
    en: ...

After the community (or `*`: every community, for a network organiser) come filters, each `key=value`: `role`
(resident, newcomer, volunteer), `language` (a code), `answered` (a round: who answered it), `meeting` (a meeting:
who said yes), `walk` (a walk's id: who walked it, alone or with a group; or a walk date's number from /walkdate:
who leads it or said they come). The preview counts the
recipients per language and says who gets the Dutch fallback because their language was not written.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bot.i18n import LANGUAGES
from bot.organise.common import language_name
from bot.organise.i18n import OrganiserTranslator

FILTERS = ("role", "language", "answered", "meeting", "walk")
ALL = "*"
_FILTER = re.compile(r"^(role|language|answered|meeting|walk)=(\S+)$")


def split(args: str) -> tuple[str, dict[str, str], str, str | None]:
    """(community, filters, body, problem): the first words are the community and `key=value` filters."""
    rest = args.strip()
    words = rest.split(maxsplit=1)
    community = words[0] if words else ""
    rest = words[1] if len(words) > 1 else ""
    filters: dict[str, str] = {}
    while rest:
        head, _sep, tail = rest.partition(" ") if " " in rest.split("\n", 1)[0] else rest.partition("\n")
        match = _FILTER.match(head.strip())
        if not match:
            break
        filters[match.group(1)] = match.group(2)
        rest = tail.lstrip(" ")
    problem = None
    if filters.get("role") and filters["role"] not in ("resident", "newcomer", "volunteer", "unsaid"):
        problem = f"role={filters['role']}"
    if filters.get("language") and filters["language"] not in LANGUAGES:
        problem = f"language={filters['language']}"
    return community, filters, rest.strip(), problem


def language_preview(o: OrganiserTranslator, texts: dict[str, str], languages: list[str | None]) -> list[str]:
    """How many get it in which language; who gets the Dutch fallback (their language was not written)."""
    counted = Counter(language or "nl" for language in languages)
    lines: list[str] = []
    fallback: list[str] = []
    for language, count in sorted(counted.items(), key=lambda item: -item[1]):
        if language in texts:
            lines.append(f"  {language_name(language)}: {count}")
        elif ALL in texts:
            lines.append(f"  {language_name(language)}: {count} → " + o.ogettext("the text for everyone else"))
        else:
            shown = "nl" if "nl" in texts else ("en" if "en" in texts else next(iter(texts), "nl"))
            lines.append(f"  {language_name(language)}: {count} → {language_name(shown)}")
            if shown == "nl":
                fallback.append(f"{language_name(language)} ({count})")
    if fallback:
        lines.append("⚠️ " + o.format(o.ogettext("Dutch fallback for: {who}"), who=", ".join(fallback)))
    return lines


def describe(o: OrganiserTranslator, filters: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in filters.items() if key in FILTERS) or o.ogettext("everyone")
